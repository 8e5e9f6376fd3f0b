package io.healthportal.ingest.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key of the payload archive, read from a file holding it in base64. On the embedded
 * default the file is created with a fresh random key on first start (owner-only permissions);
 * elsewhere an operator mounts it. The key id (a hash prefix, not the key) is stored beside each
 * ciphertext so that a rotated key can be told apart.
 */
public record ArchiveKey(String id, SecretKey key) {

    private static final int KEY_BYTES = 32;

    public static ArchiveKey readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        byte[] raw = Base64.getDecoder()
                .decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        if (raw.length != KEY_BYTES) {
            throw new IOException("INGEST-ARCHIVE-KEY: " + file + " must hold a base64 AES-256 key (32 bytes), found "
                    + raw.length + " bytes");
        }
        return new ArchiveKey(keyId(raw), new SecretKeySpec(raw, "AES"));
    }

    private static void create(Path file) throws IOException {
        byte[] raw = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(raw);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, ".ingest-archive", ".key");
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the directory's ACL.
        }
        Files.writeString(temporary, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String keyId(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return "local-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

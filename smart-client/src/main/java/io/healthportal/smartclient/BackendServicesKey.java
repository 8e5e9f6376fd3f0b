package io.healthportal.smartclient;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;

/**
 * The private key a SMART Backend Services client signs its assertions with: an EC P-384 key (ES384),
 * kept as a JWK in a file or, for a client that lives as long as one test run, only in memory. A
 * missing file may be created, readable by its owner only (the embedded default); in production it is
 * mounted from a Secret. hapi-server knows the public half ({@link #publicKeys()}), inline or by URL.
 */
public final class BackendServicesKey {

    private final ECKey key;

    private BackendServicesKey(ECKey key) {
        this.key = key;
    }

    public static BackendServicesKey load(Path file, boolean createIfMissing) {
        try {
            if (Files.notExists(file)) {
                if (!createIfMissing) {
                    throw new IllegalStateException("The Backend Services key file " + file
                            + " does not exist (portal.ingest.auth.key-file); mount the client's private JWK there");
                }
                return create(file);
            }
            JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_384.equals(ec.getCurve())) {
                throw new IllegalStateException(
                        "The Backend Services key in " + file + " must be a private EC P-384 JWK (ES384)");
            }
            return new BackendServicesKey(ec);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Backend Services key " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException("The Backend Services key in " + file + " is not a JWK", e);
        }
    }

    /** A new key held in memory only. */
    public static BackendServicesKey generate() {
        try {
            return new BackendServicesKey(new ECKeyGenerator(Curve.P_384)
                    .keyID(UUID.randomUUID().toString())
                    .algorithm(JWSAlgorithm.ES384)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate());
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an EC P-384 key", e);
        }
    }

    private static BackendServicesKey create(Path file) throws IOException {
        ECKey key = generate().key;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file keeps its directory's permissions.
        }
        return new BackendServicesKey(key);
    }

    ECKey privateKey() {
        return key;
    }

    /** The public half, as the JWKS document hapi-server verifies assertions with. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /** {@link #publicKeys()} as JSON, e.g. for {@code portal.auth.backend-clients.<id>.jwks}. */
    public String publicKeysJson() {
        return publicKeys().toString(true);
    }
}

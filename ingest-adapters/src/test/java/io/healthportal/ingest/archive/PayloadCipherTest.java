package io.healthportal.ingest.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadCipherTest {

    @TempDir
    Path dir;

    @Test
    void sealsAndOpensAPayloadBoundToItsReceipt() throws Exception {
        PayloadCipher cipher =
                new PayloadCipher(new LocalArchiveKeys(ArchiveKey.readOrCreate(dir.resolve("archive.key"))));
        byte[] payload = "MSH|^~\\&|LAB\rPID|1||A1^^^LAB^MR||DOE^JANE\r".getBytes(StandardCharsets.UTF_8);

        PayloadCipher.Sealed sealed = cipher.seal(payload, "receipt-1".getBytes(StandardCharsets.US_ASCII));

        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("DOE");
        assertThat(cipher.open(sealed, "receipt-1".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(payload);
        assertThatThrownBy(() -> cipher.open(sealed, "receipt-2".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("INGEST-ARCHIVE-OPEN");
    }

    @Test
    void theSamePayloadSealsDifferentlyEachTime() throws Exception {
        PayloadCipher cipher =
                new PayloadCipher(new LocalArchiveKeys(ArchiveKey.readOrCreate(dir.resolve("archive.key"))));
        byte[] payload = "same".getBytes(StandardCharsets.UTF_8);
        assertThat(cipher.seal(payload, new byte[0]).nonce())
                .isNotEqualTo(cipher.seal(payload, new byte[0]).nonce());
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndReadBackTheSame() throws Exception {
        Path file = dir.resolve("sub").resolve("archive.key");
        ArchiveKey created = ArchiveKey.readOrCreate(file);
        ArchiveKey read = ArchiveKey.readOrCreate(file);
        assertThat(read.id()).isEqualTo(created.id());
        assertThat(read.key().getEncoded()).isEqualTo(created.key().getEncoded());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        PayloadCipher.Sealed sealed =
                new PayloadCipher(new LocalArchiveKeys(created)).seal(new byte[] {1, 2, 3}, new byte[0]);
        PayloadCipher other =
                new PayloadCipher(new LocalArchiveKeys(ArchiveKey.readOrCreate(dir.resolve("other.key"))));
        assertThatThrownBy(() -> other.open(sealed, new byte[0])).hasMessageContaining("INGEST-ARCHIVE-KEY-ID");
    }

    @Test
    void aKeyFileOfTheWrongLengthIsRefused() throws Exception {
        Path file = dir.resolve("short.key");
        Files.writeString(file, "c2hvcnQ=\n");
        assertThatThrownBy(() -> ArchiveKey.readOrCreate(file)).hasMessageContaining("INGEST-ARCHIVE-KEY");
    }
}

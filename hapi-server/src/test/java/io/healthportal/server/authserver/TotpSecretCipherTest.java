package io.healthportal.server.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TotpSecretCipherTest {

    private static final byte[] SECRET = Totp.fromBase32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    @TempDir
    Path dir;

    @Test
    void aSealedSecretOpensOnlyForItsOwnUserAndCarriesNoPlainText() {
        TotpSecretCipher cipher = TotpSecretCipher.fromKeyFile(dir.resolve("totp.key"), true);

        String stored = cipher.seal("dr-who", SECRET);

        assertThat(stored).startsWith("v1:").doesNotContain("JBSWY3DP");
        assertThat(cipher.open("dr-who", stored)).isEqualTo(SECRET);
        assertThatThrownBy(() -> cipher.open("dr-no", stored)).isInstanceOf(IllegalStateException.class);
        assertThat(cipher.seal("dr-who", SECRET)).as("fresh nonce").isNotEqualTo(stored);
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndReusedButNeverCreatedWhereThatIsNotAllowed() throws Exception {
        Path file = dir.resolve("auth/totp.key");
        String stored = TotpSecretCipher.fromKeyFile(file, true).seal("dr-who", SECRET);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(TotpSecretCipher.fromKeyFile(file, false).open("dr-who", stored))
                .isEqualTo(SECRET);
        assertThatThrownBy(() -> TotpSecretCipher.fromKeyFile(dir.resolve("missing.key"), false))
                .hasMessageContaining("portal.auth.totp-key-file");
    }
}

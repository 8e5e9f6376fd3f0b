package io.healthportal.smartclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command ./portal runs: a key's public JWKS, and the usage errors a person sees. */
class SmartClientCommandTest {

    @TempDir
    Path dir;

    @Test
    void jwksCreatesTheKeyOnceAndPrintsOnlyItsPublicHalf() throws Exception {
        Path key = dir.resolve("client-key.json");
        String first = SmartClientCommand.run(new String[] {"jwks", "--key-file", key.toString(), "--create"});
        String again = SmartClientCommand.run(new String[] {"jwks", "--key-file", key.toString()});

        assertThat(again).isEqualTo(first);
        JWKSet keys = JWKSet.parse(first);
        assertThat(keys.getKeys()).hasSize(1);
        assertThat(keys.getKeys().get(0).isPrivate()).isFalse();
    }

    @Test
    void missingCommandsAndOptionsSayWhat() {
        assertThatThrownBy(() -> SmartClientCommand.run(new String[] {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jwks or token");
        assertThatThrownBy(() -> SmartClientCommand.run(new String[] {"token", "--key-file", "k.json"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--fhir is required");
        assertThatThrownBy(() -> SmartClientCommand.run(new String[] {
                    "jwks", "--key-file", dir.resolve("absent.json").toString()
                }))
                .hasMessageContaining("does not exist");
    }
}

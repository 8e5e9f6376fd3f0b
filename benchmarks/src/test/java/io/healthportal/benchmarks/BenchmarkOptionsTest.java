package io.healthportal.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void fullRunDefaultsMatchTheIssue() {
        BenchmarkOptions options = BenchmarkOptions.parse(new String[0]);

        assertThat(options.runs()).isEqualTo(3);
        assertThat(options.patientsPerLevel() * options.resourcesPerPatient()).isEqualTo(45_000);
        assertThat(options.clientLevels()).containsExactly(1, 2, 4);
        assertThat(options.warmup()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.configurations()).containsExactly("portal", "hapi-stock");
        assertThat(options.serverHeap()).isEqualTo("768m");
    }

    @Test
    void quickShrinksTheRunButKeepsWhatIsExplicitlyAsked() {
        BenchmarkOptions options = BenchmarkOptions.parse(new String[] {"--quick", "--mix-seconds", "20"});

        assertThat(options.runs()).isEqualTo(1);
        assertThat(options.patientsPerLevel()).isEqualTo(10);
        assertThat(options.mixDuration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void acceptsBothOptionSpellings() {
        BenchmarkOptions options = BenchmarkOptions.parse(new String[] {"--clients=1,8", "--configurations", "portal"});

        assertThat(options.clientLevels()).isEqualTo(List.of(1, 8));
        assertThat(options.configurations()).containsExactly("portal");
    }

    @Test
    void refusesUnknownOptionsAndConfigurations() {
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--patiens", "5"}))
                .hasMessageContaining("patiens");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--configurations", "fast"}))
                .hasMessageContaining("portal and/or hapi-stock");
    }
}

package io.healthportal.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void medianOfThreeRunsIsTheMiddleOneWithTheExtremesAsSpread() {
        Spread spread = Spread.of(List.of(30.0, 10.0, 20.0));

        assertThat(spread.median()).isEqualTo(20.0);
        assertThat(spread.min()).isEqualTo(10.0);
        assertThat(spread.max()).isEqualTo(30.0);
        assertThat(spread.runs()).containsExactly(30.0, 10.0, 20.0);
    }

    @Test
    void medianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
        assertThat(Spread.of(List.of(1.0, 2.0, 3.0, 10.0)).median()).isEqualTo(2.5);
    }

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (i + 1) * 1_000_000L;
        }

        assertThat(Spread.percentileMillis(nanos, 50)).isEqualTo(50.0);
        assertThat(Spread.percentileMillis(nanos, 95)).isEqualTo(95.0);
        assertThat(Spread.percentileMillis(nanos, 99)).isEqualTo(99.0);
        assertThat(Spread.percentileMillis(new long[] {7_000_000L}, 99)).isEqualTo(7.0);
        assertThat(Spread.percentileMillis(new long[0], 50)).isNaN();
    }
}

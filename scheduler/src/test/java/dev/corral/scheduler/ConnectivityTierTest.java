package dev.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectivityTierTest {
    @Test
    void theSlowerDirectionDecidesTheBand() {
        assertThat(ConnectivityTier.of(0, 0)).isEqualTo(1);
        assertThat(ConnectivityTier.of(99, 5_000)).isEqualTo(1);
        assertThat(ConnectivityTier.of(100, 100)).isEqualTo(2);
        assertThat(ConnectivityTier.of(940, 35)).as("a fast download over a slow home upload").isEqualTo(1);
        assertThat(ConnectivityTier.of(1_000, 999)).isEqualTo(2);
        assertThat(ConnectivityTier.of(1_000, 1_000)).isEqualTo(3);
        assertThat(ConnectivityTier.of(9_999, 40_000)).isEqualTo(3);
        assertThat(ConnectivityTier.of(10_000, 25_000)).isEqualTo(4);
        assertThatThrownBy(() -> ConnectivityTier.of(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eightMebibytesInSixtySevenMillisecondsIsAboutOneGigabit() {
        assertThat(ConnectivityTier.mbps(8L << 20, 67_108_864L)).isEqualTo(1_000);
        assertThat(ConnectivityTier.mbps(1_000, 0)).as("no division by zero").isEqualTo(8_000_000L);
    }
}

package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServedTimeTest {
    private static final Instant RUNNING = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void countsFromRunningToTheEndCappedAtThePaidTime() {
        assertThat(ServedTime.seconds(RUNNING, RUNNING.plusSeconds(90), 3_600)).isEqualTo(90);
        assertThat(ServedTime.seconds(RUNNING, RUNNING.plusSeconds(7_200), 3_600)).isEqualTo(3_600);
        assertThat(ServedTime.seconds(RUNNING, RUNNING.plusMillis(1_999), 3_600)).isEqualTo(1);
    }

    @Test
    void aClusterThatNeverRanOrADeviceLostBeforeItCostsNothing() {
        assertThat(ServedTime.seconds(null, RUNNING, 3_600)).isZero();
        assertThat(ServedTime.seconds(RUNNING, RUNNING.minusSeconds(5), 3_600)).isZero();
    }
}

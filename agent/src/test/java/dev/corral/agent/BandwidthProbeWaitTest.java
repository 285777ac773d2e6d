package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BandwidthProbeWaitTest {
    @Test
    void waitsBetweenProbesSpreadOverHalfToOneAndAHalfTimesTheirLength() {
        Duration day = Duration.ofDays(1);
        var waits = IntStream.range(0, 2_000).mapToObj(i -> WorkerAgent.jittered(day)).toList();
        assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(Duration.ofHours(12), Duration.ofHours(36)));
        assertThat(waits.stream().filter(w -> w.compareTo(day) < 0).count()).as("about half shorter")
                .isBetween(800L, 1_200L);
        assertThat(WorkerAgent.jittered(Duration.ZERO)).isPositive();
    }
}

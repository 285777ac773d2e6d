package dev.corral.server.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweeper's memory of heartbeats: who is silent, and a heartbeat that races the sweep is never lost. */
class LivenessTest {
    private static final Instant T = Instant.parse("2026-11-25T07:00:00Z");

    @Test
    void devicesLastHeardBeforeTheCutoffAreSilentAndALaterHeartbeatWins() {
        Liveness liveness = new Liveness();
        DeviceId quiet = DeviceId.random();
        DeviceId chatty = DeviceId.random();
        liveness.heard(quiet, T);
        liveness.heard(chatty, T);
        liveness.heard(chatty, T.plusSeconds(40));
        liveness.heard(chatty, T.plusSeconds(5)); // a stale read arriving late does not move it back

        assertThat(liveness.silentSince(T.plusSeconds(30))).containsExactly(quiet);
    }

    @Test
    void aDeviceHeardAfterItWasFoundSilentIsNotForgotten() {
        Liveness liveness = new Liveness();
        DeviceId gone = DeviceId.random();
        DeviceId back = DeviceId.random();
        liveness.heard(gone, T);
        liveness.heard(back, T);
        Instant cutoff = T.plusSeconds(30);
        List<DeviceId> silent = liveness.silentSince(cutoff);
        liveness.heard(back, T.plusSeconds(31)); // between the sweep's look and its forgetting

        liveness.forgetSilent(silent, cutoff);

        assertThat(liveness.size()).isEqualTo(1);
        assertThat(liveness.silentSince(T.plusSeconds(60))).containsExactly(back);
    }
}

package dev.corral.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private static final Instant START = Instant.parse("2026-11-25T04:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final long SIGNED = START.plusSeconds(10).toEpochMilli();

    private final DeviceId device = DeviceId.random();
    private final ReplayGuard guard = new ReplayGuard(START, SKEW, 3);

    @Test
    void aNonceIsAdmittedOncePerDevice() {
        assertThat(guard.admit(device, "n1", SIGNED)).isEqualTo(ReplayGuard.Verdict.NOVEL);
        assertThat(guard.admit(device, "n1", SIGNED)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.admit(device, "n1", SIGNED + 5)).as("the same nonce, another timestamp")
                .isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.admit(DeviceId.random(), "n1", SIGNED)).isEqualTo(ReplayGuard.Verdict.NOVEL);
    }

    @Test
    void aRequestSignedBeforeTheCoordinatorStartedIsRefusedAndNotRemembered() {
        assertThat(guard.admit(device, "n1", START.toEpochMilli() - 1)).isEqualTo(ReplayGuard.Verdict.SIGNED_BEFORE_START);
        assertThat(guard.size()).isZero();
        assertThat(guard.admit(device, "n1", START.toEpochMilli())).isEqualTo(ReplayGuard.Verdict.NOVEL);
    }

    @Test
    void aNonceIsForgottenOnlyOnceItsTimestampAloneRefusesTheRequest() {
        guard.admit(device, "early", SIGNED);
        guard.admit(device, "later", SIGNED + 1_000);
        Instant lastAccepted = Instant.ofEpochMilli(SIGNED).plus(SKEW);

        assertThat(guard.prune(lastAccepted)).as("still accepted at the skew's edge").isZero();
        assertThat(guard.prune(lastAccepted.plusMillis(1))).isEqualTo(1);

        assertThat(guard.admit(device, "later", SIGNED + 1_000)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
    }

    @Test
    void whenFullNewRequestsAreTurnedAwayAndNoNonceIsForgotten() {
        for (String nonce : new String[] {"a", "b", "c"}) {
            assertThat(guard.admit(device, nonce, SIGNED)).isEqualTo(ReplayGuard.Verdict.NOVEL);
        }
        assertThat(guard.admit(device, "d", SIGNED)).isEqualTo(ReplayGuard.Verdict.FULL);
        assertThat(guard.admit(device, "a", SIGNED)).isEqualTo(ReplayGuard.Verdict.FULL);
        assertThat(guard.size()).isEqualTo(3);
    }
}

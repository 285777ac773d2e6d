package dev.corral.server.clusters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.protocol.RankPulling;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentTimeoutTest {
    private static final Instant CREATED = Instant.parse("2026-12-03T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Instant DUE = CREATED.plus(TIMEOUT);

    @Test
    void aDeploymentWithoutPullsTimesOutAtItsTimeout() {
        assertThat(ClusterSweep.deploymentTimedOut(CREATED, TIMEOUT, Optional.empty(), DUE.minusMillis(1))).isFalse();
        assertThat(ClusterSweep.deploymentTimedOut(CREATED, TIMEOUT, Optional.empty(), DUE)).isTrue();
    }

    @Test
    void aPullReportedLatelyKeepsItWaitingAndAStalledOneDoesNot() {
        Instant now = DUE.plusSeconds(60);
        assertThat(ClusterSweep.deploymentTimedOut(CREATED, TIMEOUT, Optional.of(now.minusSeconds(5)), now)).isFalse();
        assertThat(ClusterSweep.deploymentTimedOut(CREATED, TIMEOUT,
                Optional.of(now.minus(ClusterSweep.PULL_REPORT_FRESH)), now)).isTrue();
    }

    @Test
    void aPullStillReportedTimesOutWhenAnAgentWouldHaveGivenItUp() {
        Instant last = DUE.plus(RankPulling.TIME_MAX);
        assertThat(ClusterSweep.deploymentTimedOut(CREATED, TIMEOUT, Optional.of(last.minusSeconds(1)),
                last.minusMillis(1))).isFalse();
        assertThat(ClusterSweep.deploymentTimedOut(CREATED, TIMEOUT, Optional.of(last.minusSeconds(1)), last)).isTrue();
    }
}

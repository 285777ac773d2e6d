package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.corral.proofs.Reputation.Event;
import dev.corral.proofs.Reputation.Standing;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReputationTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void handComputedCases() {
        assertThat(Reputation.score(Standing.NEW, T0)).isEqualTo(0.5);
        Standing passed = Reputation.record(Standing.NEW, Event.CHALLENGE_PASSED, T0);
        assertThat(Reputation.score(passed, T0)).isCloseTo(2.0 / 3, within(1e-12));
        // one pass then one wrong answer: (1 + 1) / (1 + 4 + 2) = 2/7, under the placement minimum
        Standing wrong = Reputation.record(passed, Event.CHALLENGE_WRONG, T0);
        assertThat(Reputation.score(wrong, T0)).isCloseTo(2.0 / 7, within(1e-12)).isLessThan(Reputation.PLACEMENT_MIN);
        // an epoch online for 75% of it after one completed job: good 1, bad 0.25 -> 2 / 3.25
        Standing downtime = Reputation.downtime(Reputation.record(Standing.NEW, Event.JOB_COMPLETED, T0), 0.75, T0);
        assertThat(Reputation.score(downtime, T0)).isCloseTo(2 / 3.25, within(1e-12));
    }

    @Test
    void oldBehaviourFadesWithTheHalfLife() {
        Standing bad = Reputation.record(Standing.NEW, Event.CHALLENGE_WRONG, T0);
        // after one half-life the 4 bad become 2: 1 / (2 + 2) = 0.25; after two, 1: 1 / 3
        assertThat(Reputation.score(bad, T0.plus(Reputation.HALF_LIFE))).isCloseTo(0.25, within(1e-12));
        assertThat(Reputation.score(bad, T0.plus(Reputation.HALF_LIFE.multipliedBy(2)))).isCloseTo(1.0 / 3, within(1e-12));
        // a pass a half-life later: bad 2, good 1 -> 2 / 5
        Standing later = Reputation.record(bad, Event.CHALLENGE_PASSED, T0.plus(Reputation.HALF_LIFE));
        assertThat(Reputation.score(later, T0.plus(Reputation.HALF_LIFE))).isCloseTo(0.4, within(1e-12));
        assertThat(later.at()).isEqualTo(T0.plus(Reputation.HALF_LIFE));
    }

    @Test
    void aClockSteppingBackDoesNotRegrowEvidence() {
        Standing s = Reputation.record(Standing.NEW, Event.CHALLENGE_PASSED, T0);
        assertThat(Reputation.score(s, T0.minusSeconds(3600))).isCloseTo(2.0 / 3, within(1e-12));
    }
}

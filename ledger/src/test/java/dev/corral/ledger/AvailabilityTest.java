package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AvailabilityTest {
    @Test
    void ninetyPercentUptimeAndAProofEarn() {
        long hour = 3_600_000;
        assertThat(Availability.eligible(hour, hour, true)).isTrue();
        assertThat(Availability.eligible(3_240_000, hour, true)).as("exactly 90%").isTrue();
        assertThat(Availability.eligible(3_239_999, hour, true)).isFalse();
        assertThat(Availability.eligible(hour, hour, false)).as("online but never proved it can work").isFalse();
    }
}

package dev.corral.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private Instant now = Instant.parse("2026-12-03T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @Test
    void aClientHasItsBurstThenWaitsForTheRefillAndOthersHaveTheirOwn() {
        RateLimits limits = new RateLimits(new RateLimits.Policy(Optional.of(new RateLimits.Limit(3, 0.5)),
                Optional.empty(), Optional.empty()), clock);

        for (int i = 0; i < 3; i++) {
            assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.1")).isEmpty();
        }
        assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.1")).contains(Duration.ofSeconds(2));
        assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.2")).as("another address").isEmpty();
        now = now.plusSeconds(1);
        assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.1")).as("half a call refilled")
                .contains(Duration.ofSeconds(1));
        now = now.plusSeconds(1);
        assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.1")).as("one call refilled").isEmpty();
        now = now.plusSeconds(3_600);
        for (int i = 0; i < 3; i++) {
            assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.1")).as("no more than the burst stored").isEmpty();
        }
        assertThat(limits.take(RateLimits.Kind.SIGN_UP, "10.0.0.1")).isPresent();
        assertThat(limits.take(RateLimits.Kind.PUBLIC, "10.0.0.1")).as("a kind without a limit").isEmpty();
    }
}

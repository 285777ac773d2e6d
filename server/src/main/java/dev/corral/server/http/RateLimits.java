package dev.corral.server.http;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How often one client may call the API: a token bucket per client of each kind (sign-ups per
 * address, public routes per address, keyed routes per API key), refilled at a steady rate up
 * to a burst. A call over the limit is answered 429 with how long to wait. The buckets live in
 * memory, at most {@link #CLIENTS_MAX} per kind: the least recently seen client is forgotten
 * first (and starts again with a full bucket).
 */
public final class RateLimits {
    /** Clients remembered per kind of limit. */
    static final int CLIENTS_MAX = 100_000;

    /** One limit: a burst of calls, then so many per second. */
    public record Limit(int burst, double perSecond) {
        public Limit {
            if (burst < 1 || !(perSecond > 0)) {
                throw new IllegalArgumentException("a limit has a burst of at least 1 and a positive rate");
            }
        }
    }

    /**
     * The limits, by kind of client; empty where there is none. Every call but a sign-up counts
     * against its address ({@code addressCalls}); a call with an API key counts against the key
     * as well.
     */
    public record Policy(Optional<Limit> signUps, Optional<Limit> addressCalls, Optional<Limit> keyedCalls) {
        /**
         * A person at a terminal or a program polling a cluster stays far inside these; a script
         * making accounts or scraping by the thousand does not.
         */
        public static final Policy DEFAULT = new Policy(Optional.of(new Limit(10, 10 / 60.0)),
                Optional.of(new Limit(300, 50)), Optional.of(new Limit(200, 50)));
        /** No limits: for tests and benchmarks that drive the API from one address far harder than a person. */
        public static final Policy NONE = new Policy(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Kinds of client, each with its own buckets. */
    enum Kind {
        SIGN_UP, PUBLIC, KEYED
    }

    private final Policy policy;
    private final Clock clock;
    private final Map<Kind, Buckets> buckets = new LinkedHashMap<>();

    public RateLimits(Policy policy, Clock clock) {
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
        for (Kind kind : Kind.values()) {
            buckets.put(kind, new Buckets());
        }
    }

    /** Takes one call from this client's bucket: empty when it may go on, else how long to wait. */
    Optional<Duration> take(Kind kind, String client) {
        Optional<Limit> limit = switch (kind) {
            case SIGN_UP -> policy.signUps();
            case PUBLIC -> policy.addressCalls();
            case KEYED -> policy.keyedCalls();
        };
        return limit.flatMap(l -> buckets.get(kind).take(client, l, clock.millis()));
    }

    /** A kind's buckets, least recently used first. */
    private static final class Buckets {
        private final LinkedHashMap<String, double[]> byClient = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > CLIENTS_MAX;
            }
        };

        /** {tokens, last refill in epoch ms} per client. */
        synchronized Optional<Duration> take(String client, Limit limit, long now) {
            double[] bucket = byClient.computeIfAbsent(client, c -> new double[] {limit.burst(), now});
            double tokens = Math.min(limit.burst(), bucket[0] + (now - bucket[1]) / 1000.0 * limit.perSecond());
            bucket[1] = now;
            if (tokens >= 1) {
                bucket[0] = tokens - 1;
                return Optional.empty();
            }
            bucket[0] = tokens;
            return Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) / limit.perSecond() * 1000)));
        }
    }
}

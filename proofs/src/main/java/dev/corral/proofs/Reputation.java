package dev.corral.proofs;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * A supplier device's reputation in [0,1]: good and bad evidence (challenges, jobs, uptime),
 * each fading with a half-life of {@link #HALF_LIFE} so old behaviour counts less, over a
 * prior worth {@link #PRIOR_GOOD} good and {@link #PRIOR_BAD} bad events (an epoch with
 * downtime counts as that share of a bad event). A new device stands
 * at 0.5; reputation = (good + prior good) / (good + bad + both priors). A wrong challenge
 * answer weighs four times a pass: it is the one outcome an honest device never produces.
 */
public final class Reputation {
    public static final Duration HALF_LIFE = Duration.ofDays(7);
    public static final double PRIOR_GOOD = 1;
    public static final double PRIOR_BAD = 1;
    /** Devices below this are not placed. */
    public static final double PLACEMENT_MIN = 0.3;

    /** What a device did, with the good and bad evidence each adds. */
    public enum Event {
        CHALLENGE_PASSED(1, 0),
        CHALLENGE_WRONG(0, 4),
        CHALLENGE_LATE(0, 1),
        CHALLENGE_MISSING(0, 1),
        JOB_COMPLETED(1, 0),
        JOB_ABANDONED(0, 2);

        private final double good;
        private final double bad;

        Event(double good, double bad) {
            this.good = good;
            this.bad = bad;
        }
    }

    /** The evidence so far, decayed to the instant {@code at}. */
    public record Standing(double good, double bad, Instant at) {
        public static final Standing NEW = new Standing(0, 0, Instant.EPOCH);

        public Standing {
            requireNonNull(at, "at is null");
            if (!(good >= 0) || !(bad >= 0)) {
                throw new IllegalArgumentException("evidence is never negative");
            }
        }
    }

    private Reputation() {}

    public static Standing record(Standing standing, Event event, Instant now) {
        return add(standing, event.good, event.bad, now);
    }

    /**
     * An epoch the device was online for only a share u in [0,1) of adds 1 - u bad evidence:
     * dropping out costs, while being there is rewarded through the challenges it passes.
     */
    public static Standing downtime(Standing standing, double uptimeShare, Instant now) {
        if (!(uptimeShare >= 0 && uptimeShare <= 1)) {
            throw new IllegalArgumentException("uptime share is 0..1, not " + uptimeShare);
        }
        return add(standing, 0, 1 - uptimeShare, now);
    }

    public static double score(Standing standing, Instant now) {
        Standing decayed = decay(standing, now);
        return (decayed.good() + PRIOR_GOOD) / (decayed.good() + decayed.bad() + PRIOR_GOOD + PRIOR_BAD);
    }

    private static Standing add(Standing standing, double good, double bad, Instant now) {
        Standing decayed = decay(standing, now);
        return new Standing(decayed.good() + good, decayed.bad() + bad, decayed.at());
    }

    /** The standing as of now; evidence never grows back when a clock steps backwards. */
    static Standing decay(Standing standing, Instant now) {
        if (!now.isAfter(standing.at())) {
            return standing;
        }
        double factor = Math.pow(0.5, Duration.between(standing.at(), now).toMillis() / (double) HALF_LIFE.toMillis());
        return new Standing(standing.good() * factor, standing.bad() * factor, now);
    }
}

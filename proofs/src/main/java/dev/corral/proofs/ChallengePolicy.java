package dev.corral.proofs;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When challenges come and how long a device has. Arrivals are a Poisson process (exponential
 * gaps around a named mean), so a device cannot tell when the next one comes. The deadline is
 * the work at a named rate for the hardware that computes it, times a margin, plus an
 * allowance for the network. Every device computes on its CPU until the agent's GPU path
 * lands, so the rate is a CPU's.
 */
public final class ChallengePolicy {
    public static final Duration MEAN_INTERVAL_DEFAULT = Duration.ofMinutes(20);
    /** One Java thread did 1.1e9 multiply-adds a second on the development machine; a quarter of that is expected. */
    public static final double CPU_MULTIPLY_ADDS_PER_SECOND = 2.5e8;
    public static final Duration NETWORK_ALLOWANCE = Duration.ofSeconds(5);
    /** After the deadline, the device still has this long to open the rows it was asked for. */
    public static final Duration OPEN_GRACE = Duration.ofSeconds(10);

    private ChallengePolicy() {}

    public static Duration deadline(int size) {
        double seconds = MatrixChallenge.deviceWork(size) / CPU_MULTIPLY_ADDS_PER_SECOND;
        return Duration.ofMillis((long) Math.ceil(seconds * 1000)).plus(NETWORK_ALLOWANCE);
    }

    /** The gap to the next challenge: exponential with this mean, at least one second. */
    public static Duration nextGap(Duration mean, RandomGenerator random) {
        double gap = -Math.log(1 - random.nextDouble()) * mean.toMillis();
        return Duration.ofMillis(Math.max(1_000, (long) gap));
    }
}

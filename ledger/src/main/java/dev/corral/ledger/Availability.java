package dev.corral.ledger;

/**
 * Who earns an epoch's availability reward: a device online for at least
 * {@link #UPTIME_PERCENT_MIN}% of the epoch (its uptime from heartbeats) that proved in it
 * that it can take work: it passed an availability challenge, or it ran a rank of a cluster.
 */
public final class Availability {
    public static final int UPTIME_PERCENT_MIN = 90;

    private Availability() {}

    public static boolean eligible(long uptimeMillis, long epochMillis, boolean proven) {
        if (uptimeMillis < 0 || epochMillis <= 0) {
            throw new IllegalArgumentException("uptime is never negative and an epoch has a length");
        }
        return proven && uptimeMillis * 100 >= epochMillis * UPTIME_PERCENT_MIN;
    }
}

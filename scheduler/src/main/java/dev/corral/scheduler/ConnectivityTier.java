package dev.corral.scheduler;

/**
 * A device's connectivity tier from its measured bandwidth: the band of its slower direction.
 * Tier 1 is under 100 Mbit/s (a home line), 2 under 1 Gbit/s, 3 under 10 Gbit/s, 4 from
 * 10 Gbit/s on (a data-center uplink).
 */
public final class ConnectivityTier {
    /** The lower bounds of tiers 2, 3 and 4, in Mbit/s. */
    static final int[] BANDS_MBPS = {100, 1_000, 10_000};

    private ConnectivityTier() {}

    public static int of(long downMbps, long upMbps) {
        if (downMbps < 0 || upMbps < 0) {
            throw new IllegalArgumentException("bandwidth cannot be negative");
        }
        long slower = Math.min(downMbps, upMbps);
        int tier = PoolDevice.TIER_MIN;
        for (int band : BANDS_MBPS) {
            if (slower >= band) {
                tier++;
            }
        }
        return tier;
    }

    /** Mbit/s for this many bytes moved in this many nanoseconds (at least one). */
    public static long mbps(long bytes, long nanos) {
        return bytes * 8 * 1_000L / Math.max(1, nanos);
    }
}

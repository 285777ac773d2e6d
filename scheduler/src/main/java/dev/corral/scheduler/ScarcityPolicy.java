package dev.corral.scheduler;

/**
 * Priority for staked customers when devices are scarce: a deploy that would leave fewer
 * idle matching devices than the reserve (a tenth of them, rounded down, so a pool under ten
 * devices keeps none back) is served only for a customer with at least
 * {@link #PRIORITY_STAKE_IO_MIN} IO staked on it.
 */
public final class ScarcityPolicy {
    public static final long PRIORITY_STAKE_IO_MIN = 1_000;
    public static final int RESERVE_PERCENT = 10;

    private ScarcityPolicy() {}

    /** The idle matching devices kept back for staked customers. */
    public static int reserve(int matchingIdle) {
        return matchingIdle * RESERVE_PERCENT / 100;
    }

    public static boolean allows(int matchingIdle, int requested, long customerStakeIo) {
        return matchingIdle - requested >= reserve(matchingIdle) || customerStakeIo >= PRIORITY_STAKE_IO_MIN;
    }
}

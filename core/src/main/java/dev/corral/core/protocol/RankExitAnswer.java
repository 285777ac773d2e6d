package dev.corral.core.protocol;

/**
 * The coordinator's answer to a rank's exit: whether the agent starts the rank's program again
 * on its device (the cluster's restart policy allows one more), after how many milliseconds,
 * and how many restarts the rank will then have had.
 */
public record RankExitAnswer(boolean restart, long restartInMs, int restarts) {
    /** The rank is done on this device. */
    public static final RankExitAnswer DONE = new RankExitAnswer(false, 0, 0);
}

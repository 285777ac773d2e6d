package dev.corral.core.protocol;

/**
 * A rank's process ended with this exit code; error says why when the agent, not the process,
 * ended it, and cause what kind of reason that is ({@link #CAUSE_IMAGE}, {@link #CAUSE_LIMIT},
 * {@link #CAUSE_DEVICE}); restarts is how many restarts the rank had had on this device when it
 * ended (null counts as none), so a repeated report is not taken for another failure; placement
 * is the assignment's (null counts as the first), so a late report of a placement since lost
 * does not end the next.
 */
public record RankExited(int rank, int exitCode, String error, Integer restarts, String cause, Integer placement) {
    public static final int ERROR_LENGTH_MAX = 512;
    /** The image could not be pulled, or the container not made or started. */
    public static final String CAUSE_IMAGE = "image";
    /** The rank broke a limit and its agent stopped it. */
    public static final String CAUSE_LIMIT = "limit";
    /** The device could not go on running it: its agent restarted, lost the coordinator, or cannot run its runtime. */
    public static final String CAUSE_DEVICE = "device";

    /** An exit of a rank never restarted. */
    public RankExited(int rank, int exitCode, String error) {
        this(rank, exitCode, error, null, null, null);
    }

    public RankExited {
        if (error != null && (error.isBlank() || error.length() > ERROR_LENGTH_MAX)) {
            throw new IllegalArgumentException("error must be 1.." + ERROR_LENGTH_MAX + " characters");
        }
    }
}

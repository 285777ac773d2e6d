package dev.corral.core.protocol;

/**
 * A rank's process ended with this exit code; error says why when the agent, not the process,
 * ended it; restarts is how many restarts the rank had had on this device when it ended (null
 * counts as none), so a repeated report is not taken for another failure.
 */
public record RankExited(int rank, int exitCode, String error, Integer restarts) {
    public static final int ERROR_LENGTH_MAX = 512;

    /** An exit of a rank never restarted. */
    public RankExited(int rank, int exitCode, String error) {
        this(rank, exitCode, error, null);
    }

    public RankExited {
        if (error != null && (error.isBlank() || error.length() > ERROR_LENGTH_MAX)) {
            throw new IllegalArgumentException("error must be 1.." + ERROR_LENGTH_MAX + " characters");
        }
    }
}

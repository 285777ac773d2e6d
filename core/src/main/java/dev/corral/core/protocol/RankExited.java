package dev.corral.core.protocol;

/** A rank's process ended with this exit code; error says why when the agent, not the process, ended it. */
public record RankExited(int rank, int exitCode, String error) {
    public static final int ERROR_LENGTH_MAX = 512;

    public RankExited {
        if (error != null && (error.isBlank() || error.length() > ERROR_LENGTH_MAX)) {
            throw new IllegalArgumentException("error must be 1.." + ERROR_LENGTH_MAX + " characters");
        }
    }
}

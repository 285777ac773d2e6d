package dev.corral.core;

/**
 * Why a cluster ended, or why a rank ended or last failed, as a type a program can act on (the
 * text beside it says more).
 */
public enum EndReason {
    /** Every rank exited with code 0. */
    COMPLETED,
    /** No device could take a rank: the deployment did not start every rank in time, or no device took a lost one. */
    NO_CAPACITY,
    /** The rank's image could not be pulled, or its container not started. */
    IMAGE,
    /** The program exited with a code other than 0 (the rank's exit code says which). */
    PROGRAM_EXITED,
    /** The rank broke a limit of the cluster (the disk it asked for), and its agent stopped it. */
    LIMIT,
    /** The device stopped responding, or its agent lost the rank (it restarted, or lost the coordinator). */
    DEVICE_LOST,
    /** The paid time ran out. */
    DEADLINE,
    /** The owner terminated the cluster. */
    TERMINATED_BY_OWNER;

    /** What an agent says ended a rank it stopped itself ({@code RankExited.cause}); a program's own exit has none. */
    public static EndReason ofAgentCause(String cause) {
        if (cause == null) {
            return DEVICE_LOST;
        }
        return switch (cause) {
            case "image" -> IMAGE;
            case "limit" -> LIMIT;
            default -> DEVICE_LOST;
        };
    }
}

package dev.corral.core;

/**
 * One rank of a cluster on its device: sent to the agent, started, exited, stopped with its
 * cluster, or lost with its device.
 */
public enum RankState {
    ASSIGNED,
    STARTED,
    EXITED,
    /**
     * It was running when its cluster ended (terminated, expired or failed); its agent stops it
     * on seeing it gone from its work and reports no exit.
     */
    STOPPED,
    /** The device stopped responding while it ran the rank. */
    LOST
}

package dev.corral.core;

/** One rank of a cluster on its device: sent to the agent, started, exited, or lost with its device. */
public enum RankState {
    ASSIGNED,
    STARTED,
    EXITED,
    /** The device stopped responding while it ran the rank. */
    LOST
}

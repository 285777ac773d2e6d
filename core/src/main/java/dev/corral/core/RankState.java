package dev.corral.core;

/** One rank of a cluster on its device: sent to the agent, started, or exited. */
public enum RankState {
    ASSIGNED,
    STARTED,
    EXITED
}

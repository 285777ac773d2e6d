package dev.corral.core;

/** The life of a cluster: PENDING, DEPLOYING, RUNNING, then one of the four ends. */
public enum ClusterState {
    PENDING,
    DEPLOYING,
    RUNNING,
    COMPLETED,
    TERMINATED,
    EXPIRED,
    FAILED;

    public boolean isFinal() {
        return this == COMPLETED || this == TERMINATED || this == EXPIRED || this == FAILED;
    }
}

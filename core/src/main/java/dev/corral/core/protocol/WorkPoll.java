package dev.corral.core.protocol;

import java.util.List;

/**
 * What an agent's work poll carries to the coordinator: the ranks it started since its last
 * poll was answered, so that reporting a start costs no request of its own (the poll follows
 * every start at once anyway).
 */
public record WorkPoll(List<StartedRank> started) {
    /** More than a device ever starts between two polls: it runs one rank per cluster it is in. */
    public static final int STARTED_MAX = 64;

    public WorkPoll {
        started = started == null ? List.of() : List.copyOf(started);
    }

    /** A rank's process started; rank 0 says where its head listens. */
    public record StartedRank(String clusterId, int rank, String headAddr) {}
}

package dev.corral.core.protocol;

import dev.corral.core.api.Endpoint;
import java.time.Duration;
import java.util.List;

/**
 * What an agent's work poll carries to the coordinator: the ranks it started since its last
 * poll was answered, so that reporting a start costs no request of its own (the poll follows
 * every start at once anyway).
 */
public record WorkPoll(List<StartedRank> started) {
    /**
     * How long a work poll is held when nothing changes, by the coordinator and as agents ask.
     * Long enough that an idle fleet's polls cost little (a poll answered costs the coordinator and the
     * agent a signed request each: 11,111 idle agents polled 555 times a second at 20 s), short enough
     * to pass the 60-second idle timeout common proxies and load balancers put on a quiet connection.
     */
    public static final Duration WAIT_DEFAULT = Duration.ofSeconds(50);
    /** More than a device ever starts between two polls: it runs one rank per cluster it is in. */
    public static final int STARTED_MAX = 64;

    public WorkPoll {
        started = started == null ? List.of() : List.copyOf(started);
    }

    /** A rank started; rank 0 says where its head listens, a container where its declared ports are published. */
    public record StartedRank(String clusterId, int rank, String headAddr, List<Endpoint> endpoints,
            Integer placement) {
        public StartedRank {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        }

        /** A rank of its first placement. */
        public StartedRank(String clusterId, int rank, String headAddr, List<Endpoint> endpoints) {
            this(clusterId, rank, headAddr, endpoints, null);
        }

        /** A rank that publishes no ports. */
        public StartedRank(String clusterId, int rank, String headAddr) {
            this(clusterId, rank, headAddr, List.of());
        }
    }
}

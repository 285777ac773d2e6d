package dev.corral.core.protocol;

import dev.corral.core.api.Endpoint;
import java.util.List;

/**
 * A rank started; rank 0 says where its head listens, a container where its declared ports are
 * published; placement is the assignment's (null counts as the first), so a late report of a
 * placement since lost is not taken for the next.
 */
public record RankStarted(int rank, String headAddr, List<Endpoint> endpoints, Integer placement) {
    public RankStarted {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** A rank of its first placement. */
    public RankStarted(int rank, String headAddr, List<Endpoint> endpoints) {
        this(rank, headAddr, endpoints, null);
    }

    /** A rank that publishes no ports. */
    public RankStarted(int rank, String headAddr) {
        this(rank, headAddr, List.of());
    }
}

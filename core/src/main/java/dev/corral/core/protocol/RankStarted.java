package dev.corral.core.protocol;

import dev.corral.core.api.Endpoint;
import java.util.List;

/** A rank started; rank 0 says where its head listens, a container where its declared ports are published. */
public record RankStarted(int rank, String headAddr, List<Endpoint> endpoints) {
    public RankStarted {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** A rank that publishes no ports. */
    public RankStarted(int rank, String headAddr) {
        this(rank, headAddr, List.of());
    }
}

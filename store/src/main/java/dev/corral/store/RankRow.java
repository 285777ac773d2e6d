package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.EndReason;
import dev.corral.core.RankState;
import dev.corral.core.api.Endpoint;
import java.time.Instant;
import java.util.List;

/**
 * One rank of a cluster: the device that runs it, its supplier, how far it got, where its ports
 * are published, how often its program started again on this device and why it last failed, and
 * the first log sequence number this device writes, why it ended or last failed (null if
 * neither), and how many devices it was lost on before this one.
 */
public record RankRow(ClusterId cluster, int rank, DeviceId device, AccountId supplier, RankState state,
        Integer exitCode, Instant startedAt, Instant endedAt, List<Endpoint> endpoints, int restarts,
        String lastFailure, long logSeqFrom, EndReason reasonCode, int placement) {
    public RankRow {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** A rank that has published no ports (yet), never restarted. */
    public RankRow(ClusterId cluster, int rank, DeviceId device, AccountId supplier, RankState state,
            Integer exitCode, Instant startedAt, Instant endedAt) {
        this(cluster, rank, device, supplier, state, exitCode, startedAt, endedAt, List.of(), 0, null, 0, null, 0);
    }
}

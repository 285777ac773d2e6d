package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.RankState;
import java.time.Instant;

/** One rank of a cluster: the device that runs it, its supplier, and how far it got. */
public record RankRow(ClusterId cluster, int rank, DeviceId device, AccountId supplier, RankState state,
        Integer exitCode, Instant startedAt, Instant endedAt) {}

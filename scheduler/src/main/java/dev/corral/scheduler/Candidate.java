package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import java.util.Set;

/** An idle, online device as placement sees it, with the IO staked on its owner (in whole IO). */
public record Candidate(DeviceId device, AccountId owner, DeviceKind kind, GpuModel gpuModel, int gpuCount,
        String region, long minPricePerHourMicros, Set<String> runtimes, long ownerStakeIo) {
    public Candidate {
        requireNonNull(device, "device is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(kind, "kind is null");
        runtimes = Set.copyOf(runtimes);
    }
}

package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.time.Instant;
import java.util.List;

/** A stored device: what it signed about itself, what its owner set, and where it is hired. */
public record DeviceRow(
        DeviceId id,
        AccountId owner,
        String publicKey,
        String name,
        HardwareSpec hardware,
        String region,
        String host,
        List<String> runtimes,
        long minPricePerHourMicros,
        int rewardSplitIoPercent,
        ClusterId cluster,
        boolean online,
        Instant lastSeenAt,
        Telemetry telemetry,
        Instant createdAt) {}

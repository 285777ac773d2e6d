package dev.corral.core.api;

import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.time.Instant;
import java.util.List;

/**
 * A device as its owner sees it; lastChallenge is the outcome of its latest availability
 * challenge, if any; reputation is 0..1 (0.5 for a new device); the listing fields are what
 * customers filter on; statusReason and statusSince say why and since when a device is
 * BLOCKED, OFFLINE or UNVERIFIED; claimFlags what its latest heartbeat measured that
 * contradicts its claimed hardware (such a device is not placed until that heals);
 * bandwidth the coordinator's last measurement of the link to it, which sets the
 * connectivity tier (null before the first).
 */
public record DeviceView(
        String deviceId,
        String name,
        String status,
        HardwareSpec hardware,
        String region,
        String host,
        List<String> runtimes,
        Instant lastSeenAt,
        String clusterId,
        Amount minPricePerHour,
        int rewardSplitIoPercent,
        Telemetry telemetry,
        String lastChallenge,
        double reputation,
        String country,
        String supplierType,
        int securityTier,
        int connectivityTier,
        BandwidthView bandwidth,
        String statusReason,
        Instant statusSince,
        List<String> claimFlags) {

    /** Measured by the coordinator, in Mbit/s each way. */
    public record BandwidthView(long downMbps, long upMbps, Instant measuredAt) {}
}

package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import dev.corral.proofs.Reputation;
import java.time.Instant;
import java.util.List;

/**
 * A stored device: what it signed about itself, what its owner set, where it is hired, how it
 * is listed, and its standing (the evidence behind its reputation).
 */
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
        Instant createdAt,
        Listing listing,
        Reputation.Standing standing,
        Verification verification) {

    /** This device as {@link Devices#heartbeat} leaves it: online, seen now, with what it just re-asserted. */
    public DeviceRow heard(HardwareSpec newHardware, String newHost, List<String> newRuntimes, Telemetry newTelemetry,
            List<String> claimFlags, Instant now) {
        return new DeviceRow(id, owner, publicKey, name, newHardware, region, newHost, newRuntimes, minPricePerHourMicros,
                rewardSplitIoPercent, cluster, true, now, newTelemetry, createdAt, listing, standing,
                new Verification(verification.verified(), verification.blockedReason(), verification.blockedAt(),
                        verification.reverifyRequested(), claimFlags));
    }

    /**
     * Whether the device passed a challenge, whether and why it is blocked, and what its latest
     * heartbeat measured that contradicts its claimed hardware.
     */
    public record Verification(boolean verified, String blockedReason, Instant blockedAt, boolean reverifyRequested,
            List<String> claimFlags) {
        public static final Verification NEW = new Verification(false, null, null, false, List.of());

        public Verification {
            claimFlags = List.copyOf(claimFlags);
        }

        public boolean blocked() {
            return blockedReason != null;
        }
    }

    /**
     * What customers filter on beyond hardware: ISO country code ("" until the owner sets one)
     * and supplier type, set by the owner; security and connectivity tiers 1..4, set by the
     * network's operator, the connectivity tier replaced by the band of the measured bandwidth
     * whenever the device measures it.
     *
     * @param bandwidth the last measurement, or null before the first
     */
    public record Listing(String country, String supplierType, int securityTier, int connectivityTier,
            Bandwidth bandwidth) {
        public static final Listing NEW = new Listing("", "INDIVIDUAL", 1, 1, null);
    }

    /** Bandwidth between the device and the coordinator, measured by the coordinator, in Mbit/s. */
    public record Bandwidth(long downMbps, long upMbps, Instant measuredAt) {}
}

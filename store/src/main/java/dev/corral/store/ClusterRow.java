package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.DeviceKind;
import dev.corral.core.EndReason;
import dev.corral.core.Money;
import dev.corral.core.api.ContainerSpec;
import java.time.Instant;
import java.util.Map;

/**
 * A stored cluster: what was asked (the command, null when a container runs its image's own;
 * the container, null for a process cluster), its price, where it stands and its times; the
 * framework it runs (null for none), what it does when it loses a device ("replace" or "fail"),
 * how often a rank's failed program may start again, how many ranks are lost and unreplaced, and
 * why it ended (null while it runs).
 */
public record ClusterRow(
        ClusterId id,
        AccountId owner,
        String idempotencyKey,
        String name,
        ClusterState state,
        String reason,
        String type,
        String cmd,
        Map<String, String> env,
        ContainerSpec container,
        DeviceKind kind,
        String gpuModel,
        int gpusPerDevice,
        int count,
        int hours,
        String region,
        String conditions,
        Money pricePerDeviceHour,
        String headAddr,
        Instant createdAt,
        Instant runningAt,
        Instant expiresAt,
        Instant endedAt,
        String framework,
        String onDeviceLoss,
        int restartMax,
        int ranksLost,
        EndReason reasonCode) {

    public Currency currency() {
        return pricePerDeviceHour.currency();
    }
}

package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.GpuModel;
import dev.corral.core.RankState;
import dev.corral.core.protocol.RankPulling;
import dev.corral.proofs.Reputation;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.Layout;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PoolDevice;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.metrics.Meters;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.RankRow;
import dev.corral.store.Stakes;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The clusters' timeouts: paid time that ran out, deployments that took too long, and devices
 * that went offline (a rank not yet started moves to another device; a started one is lost
 * with its device, and its cluster fails).
 */
public final class ClusterSweep {
    /** A pull reported this recently is under way: three of the agents' longest intervals between reports. */
    static final Duration PULL_REPORT_FRESH = RankPulling.REPORT_EVERY_MAX.multipliedBy(3);
    private final Database db;
    private final Clusters clusters;
    private final Stakes stakes;
    private final DeviceState devices;
    private final ClusterEnd ends;
    private final Clock clock;
    private final MeterRegistry metrics;

    public ClusterSweep(Database db, Clusters clusters, Stakes stakes, DeviceState devices, ClusterEnd ends, Clock clock,
            MeterRegistry metrics) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.ends = requireNonNull(ends, "ends is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** Ends clusters whose paid time ran out or whose deployment took too long, then those that lost a device. */
    public void sweep(List<DeviceRow> wentOffline) {
        Instant now = clock.instant();
        Duration deployTimeout = ends.deployTimeout();
        for (ClusterRow cluster : db.transaction(c -> clusters.active(c))) {
            if (cluster.state() == ClusterState.RUNNING && !now.isBefore(cluster.expiresAt())) {
                ends.end(cluster.id(), ClusterState.EXPIRED, "its paid time of " + cluster.hours() + " h ran out");
            } else if (cluster.state() != ClusterState.RUNNING && !now.isBefore(cluster.createdAt().plus(deployTimeout))
                    && deploymentTimedOut(cluster.createdAt(), deployTimeout,
                            db.transaction(c -> clusters.lastPullReport(c, cluster.id())), now)) {
                ends.end(cluster.id(), ClusterState.FAILED, "deployment timed out after " + deployTimeout.toSeconds()
                        + " s: not every rank started");
            }
        }
        for (DeviceRow device : wentOffline) {
            if (device.cluster() != null && !replace(device) && markLost(device)) {
                ends.end(device.cluster(), ClusterState.FAILED, "device " + device.id() + " stopped responding");
            }
        }
    }

    /**
     * Whether a deployment has run out of time: past its deploy timeout, unless an agent
     * reported one of its ranks' image pulls within {@link #PULL_REPORT_FRESH}, and then no
     * later than {@link RankPulling#TIME_MAX} past the timeout. Pure.
     */
    static boolean deploymentTimedOut(Instant createdAt, Duration deployTimeout, Optional<Instant> lastPullReport,
            Instant now) {
        Instant timeout = createdAt.plus(deployTimeout);
        if (now.isBefore(timeout)) {
            return false;
        }
        boolean pulling = lastPullReport.map(at -> now.isBefore(at.plus(PULL_REPORT_FRESH))).orElse(false);
        return !pulling || !now.isBefore(timeout.plus(RankPulling.TIME_MAX));
    }

    /**
     * Moves the rank of a device that dropped before starting it to another idle device that
     * meets the cluster's request, at the cluster's price; true if it did. A rank that had
     * started is not moved: its work is lost with its device.
     */
    private boolean replace(DeviceRow lost) {
        ClusterId id = lost.cluster();
        ClusterRow cluster = db.transaction(c -> clusters.byId(c, id)).orElseThrow();
        Optional<RankRow> waiting = db.transaction(c -> clusters.ranks(c, id)).stream()
                .filter(r -> r.device().equals(lost.id()) && r.state() == RankState.ASSIGNED).findFirst();
        if (cluster.state() == ClusterState.RUNNING || cluster.state().isFinal() || waiting.isEmpty()) {
            return false;
        }
        ClusterRequest one = new ClusterRequest(cluster.kind(), cluster.gpuModel() == null ? null
                : new GpuModel(cluster.gpuModel()), cluster.gpusPerDevice(), 1, cluster.hours(), cluster.region());
        if (!(devices.place(Placements.of(one, OfferQuery.parse(cluster.conditions()), cluster.pricePerDeviceHour(),
                Layout.ANY, Placements.customerStakeIo(db, stakes, cluster.owner()), PoolDevice.runtimeBit(cluster.type())),
                ThreadLocalRandom.current())
                instanceof DevicePool.Placed placed)) {
            return false;
        }
        DevicePool.Chosen fresh = placed.devices().getFirst();
        int rank = waiting.get().rank();
        try {
            devices.transaction((c, writes) -> {
                Instant now = clock.instant();
                ClusterRow locked = clusters.lock(c, id).orElseThrow();
                if (locked.state() == ClusterState.RUNNING || locked.state().isFinal()
                        || !writes.reserve(fresh.device(), id)
                        || !clusters.moveWaitingRank(c, id, rank, lost.id(), fresh.device(), fresh.owner())) {
                    throw new DeployService.DeviceTaken();
                }
                writes.releaseOne(lost.id());
                writes.recordStanding(lost.id(), s -> Reputation.record(s, Reputation.Event.JOB_ABANDONED, now));
                writes.wake(fresh.device());
                return null;
            });
        } catch (DeployService.DeviceTaken notMoved) {
            devices.unclaim(List.of(fresh.device()), true);
            return false;
        }
        Meters.ranksReplaced(metrics).increment();
        return true;
    }

    /** Marks the device's live ranks lost, if its cluster is still active; true if any was. */
    private boolean markLost(DeviceRow device) {
        return db.transaction(c -> {
            ClusterRow cluster = clusters.lock(c, device.cluster()).orElseThrow();
            if (cluster.state().isFinal()) {
                return false;
            }
            boolean any = false;
            for (RankRow rank : clusters.ranks(c, device.cluster())) {
                if (rank.device().equals(device.id())
                        && (rank.state() == RankState.ASSIGNED || rank.state() == RankState.STARTED)) {
                    clusters.rankLost(c, device.cluster(), rank.rank(), device.lastSeenAt());
                    any = true;
                }
            }
            return any;
        });
    }
}

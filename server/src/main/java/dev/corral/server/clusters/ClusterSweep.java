package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.EndReason;
import dev.corral.core.GpuModel;
import dev.corral.core.RankState;
import dev.corral.core.protocol.RankPulling;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The clusters' timeouts: paid time that ran out, deployments that took too long, and devices
 * that went offline. A lost device's rank moves to another idle device that meets the cluster's
 * request, at the cluster's price: at once if it had not started, and for a started one as the
 * cluster's {@code onDeviceLoss} says; a cluster that cannot find one goes on short of the rank
 * ("replace", looking again at every sweep) or fails once {@link #replacementWait} has passed
 * since the device was last seen ("fail").
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
    private final Duration replacementWait;
    private final MeterRegistry metrics;

    public ClusterSweep(Database db, Clusters clusters, Stakes stakes, DeviceState devices, ClusterEnd ends, Clock clock,
            Duration replacementWait, MeterRegistry metrics) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.ends = requireNonNull(ends, "ends is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.replacementWait = requireNonNull(replacementWait, "replacementWait is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /**
     * Ends clusters whose paid time ran out or whose deployment took too long; then moves the
     * ranks of devices that went offline, or marks them lost; then looks for devices to take
     * every lost rank of an active cluster, failing those that may wait no longer.
     */
    public void sweep(List<DeviceRow> wentOffline) {
        Instant now = clock.instant();
        Duration deployTimeout = ends.deployTimeout();
        // The clusters with lost ranks: those found so in the one read of the active clusters, and those that
        // lose a rank below.
        Set<ClusterId> toHeal = new LinkedHashSet<>();
        for (ClusterRow cluster : db.transaction(c -> clusters.active(c))) {
            if (cluster.state() == ClusterState.RUNNING && !now.isBefore(cluster.expiresAt())) {
                ends.end(cluster.id(), ClusterState.EXPIRED, EndReason.DEADLINE, "its paid time of " + cluster.hours()
                        + " h ran out");
            } else if (cluster.state() != ClusterState.RUNNING && !now.isBefore(cluster.createdAt().plus(deployTimeout))
                    && deploymentTimedOut(cluster.createdAt(), deployTimeout,
                            db.transaction(c -> clusters.lastPullReport(c, cluster.id())), now)) {
                ends.end(cluster.id(), ClusterState.FAILED, EndReason.NO_CAPACITY, "deployment timed out after "
                        + deployTimeout.toSeconds() + " s: not every rank started");
            } else if (cluster.ranksLost() > 0) {
                toHeal.add(cluster.id());
            }
        }
        for (DeviceRow device : wentOffline) {
            if (device.cluster() != null && !replaceWaiting(device) && markLost(device)) {
                toHeal.add(device.cluster());
            }
        }
        for (ClusterId id : toHeal) {
            db.transaction(c -> clusters.byId(c, id)).filter(cluster -> !cluster.state().isFinal())
                    .ifPresent(this::heal);
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
     * Moves the rank of a device that dropped before starting it, in a cluster not yet running,
     * to another device; true if it did. Its supplier served nothing, and is not paid.
     */
    private boolean replaceWaiting(DeviceRow lost) {
        ClusterId id = lost.cluster();
        ClusterRow cluster = db.transaction(c -> clusters.byId(c, id)).orElseThrow();
        Optional<RankRow> waiting = db.transaction(c -> clusters.ranks(c, id)).stream()
                .filter(r -> r.device().equals(lost.id()) && r.state() == RankState.ASSIGNED).findFirst();
        if (cluster.state() == ClusterState.RUNNING || cluster.state().isFinal() || waiting.isEmpty()) {
            return false;
        }
        int rank = waiting.get().rank();
        return moveTo(cluster, (c, writes, fresh) -> {
            ClusterRow locked = clusters.lock(c, id).orElseThrow();
            if (locked.state() == ClusterState.RUNNING || locked.state().isFinal()
                    || !writes.reserve(fresh.device(), id)
                    || !clusters.moveWaitingRank(c, id, rank, lost.id(), fresh.device(), fresh.owner())) {
                return false;
            }
            writes.abandoned(lost.id(), clock.instant());
            return true;
        });
    }

    /**
     * The device's live ranks are lost when it was last seen, if its cluster is still active: the
     * device is let go (it abandoned the job) and the ranks wait for another device. True if any was.
     */
    private boolean markLost(DeviceRow device) {
        return devices.transaction((c, writes) -> {
            ClusterRow cluster = clusters.lock(c, device.cluster()).orElseThrow();
            if (cluster.state().isFinal()
                    || clusters.ranksLostWith(c, device.cluster(), device.id(), device.lastSeenAt()) == 0) {
                return false;
            }
            writes.abandoned(device.id(), clock.instant());
            return true;
        });
    }

    /**
     * Looks for a device to take each lost rank of the cluster; one that finds none waits, or
     * fails the cluster if it was deployed to fail and the wait is over.
     */
    private void heal(ClusterRow cluster) {
        ClusterId id = cluster.id();
        List<RankRow> lost = db.transaction(c -> clusters.lostRanks(c, id));
        for (RankRow rank : lost) {
            boolean moved = moveTo(cluster, (c, writes, fresh) -> {
                ClusterRow locked = clusters.lock(c, id).orElseThrow();
                if (locked.state().isFinal() || !writes.reserve(fresh.device(), id)
                        || !clusters.replaceLostRank(c, id, rank.rank(), rank.device(), fresh.device(), fresh.owner())) {
                    return false;
                }
                // A new rank 0 reports a new head address when it starts; the others keep the old one till then.
                return true;
            });
            if (!moved && DeployOrder.ON_LOSS_FAIL.equals(cluster.onDeviceLoss())
                    && !clock.instant().isBefore(rank.endedAt().plus(replacementWait))) {
                ends.end(id, ClusterState.FAILED, EndReason.DEVICE_LOST, "device " + rank.device()
                        + " stopped responding and no device took its rank within " + replacementWait.toSeconds() + " s");
                return;
            }
        }
    }

    /** What moving a rank to a fresh device writes, in the transaction that reserves it; false if it cannot. */
    @FunctionalInterface
    private interface Move {
        boolean apply(Connection c, DeviceState.Writes writes, DevicePool.Chosen fresh) throws SQLException;
    }

    /**
     * Places one device as the cluster asked for them (its kind, model, region and conditions,
     * at its price) and moves a rank to it; true if it did. A device the store says was taken
     * meanwhile, or a move that no longer applies, leaves everything as it was.
     */
    private boolean moveTo(ClusterRow cluster, Move move) {
        ClusterRequest one = new ClusterRequest(cluster.kind(), cluster.gpuModel() == null ? null
                : new GpuModel(cluster.gpuModel()), cluster.gpusPerDevice(), 1, cluster.hours(), cluster.region());
        if (!(devices.place(Placements.of(one, OfferQuery.parse(cluster.conditions()), cluster.pricePerDeviceHour(),
                Layout.ANY, Placements.customerStakeIo(db, stakes, cluster.owner()), PoolDevice.runtimeBit(cluster.type())),
                ThreadLocalRandom.current())
                instanceof DevicePool.Placed placed)) {
            return false;
        }
        DevicePool.Chosen fresh = placed.devices().getFirst();
        try {
            devices.transaction((c, writes) -> {
                if (!move.apply(c, writes, fresh)) {
                    throw new DeployService.DeviceTaken();
                }
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
}

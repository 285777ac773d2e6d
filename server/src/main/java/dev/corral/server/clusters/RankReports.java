package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.DeviceId;
import dev.corral.core.EndReason;
import dev.corral.core.Ids;
import dev.corral.core.RankState;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.Endpoint;
import dev.corral.core.protocol.LogBatch;
import dev.corral.core.protocol.RankExitAnswer;
import dev.corral.core.protocol.RankExited;
import dev.corral.core.protocol.RankPulling;
import dev.corral.core.protocol.RankStarted;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.server.Refusal;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.metrics.Meters;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Logs;
import dev.corral.store.RankRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What agents report of the ranks they run: starts (rank 0's sends the others out, the last
 * makes the cluster RUNNING), exits (one that fails starts again where the restart policy
 * allows, else ends the cluster; the last clean one completes it) and output. A device reports
 * only on its own ranks.
 */
public final class RankReports {
    static final int LOG_BATCH_LINES_MAX = 1_000;
    /** The largest image a pull report may count: 4 TiB, far beyond any real image. */
    static final long PULL_BYTES_MAX = 1L << 42;
    /** A head address is what an endpoint's address is: a host and a port. */
    private static final Pattern HEAD_ADDR = Endpoint.ADDRESS;
    /** The pause before a failed program's first restart on its device. */
    static final Duration RESTART_PAUSE_FIRST = Duration.ofSeconds(1);
    /** The longest pause between restarts, however many there were. */
    static final Duration RESTART_PAUSE_MAX = Duration.ofSeconds(30);
    /** No rank is placed more often than this: a report naming more is refused before anything is read. */
    static final int PLACEMENTS_MAX = 1_000_000;
    private static final Pattern ENDPOINT_PORT = Pattern.compile("[0-9]{1,5}/(tcp|udp)");

    private final Database db;
    private final Clusters clusters;
    private final Logs logs;
    private final DeviceState devices;
    private final ClusterEnd ends;
    private final Clock clock;
    /** Every rank exit an agent reports, recorded or not: none come for ranks stopped with their cluster. */
    private final Counter exitReports;
    private final Timer timeToRunning;
    private final Counter restartsGranted;
    private final Timer timeToReplacement;

    public RankReports(Database db, Clusters clusters, Logs logs, DeviceState devices, ClusterEnd ends, Clock clock,
            MeterRegistry metrics) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.logs = requireNonNull(logs, "logs is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.ends = requireNonNull(ends, "ends is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.exitReports = Meters.rankExitReports(metrics);
        this.timeToRunning = Meters.timeToRunning(metrics);
        this.restartsGranted = Meters.rankRestarts(metrics);
        this.timeToReplacement = Meters.timeToReplacement(metrics);
    }

    public void rankStarted(DeviceId device, String clusterId, RankStarted started) {
        requireHeadAddr(started.rank(), started.headAddr());
        requireEndpoints(started.endpoints());
        ClusterId id = clusterOfDevice(device, clusterId, started.rank());
        ClusterState ended = applyStart(id, started.rank(), placement(started.placement()), started.headAddr(),
                started.endpoints());
        if (ended != null) {
            throw Refusal.conflict("cluster " + clusterId + " has ended (" + ended + "); stop the rank");
        }
    }

    /**
     * The start reports a work poll carries. All are checked before any is applied, so a bad one
     * refuses the poll and changes nothing; one for a cluster that has ended is passed over, as
     * the poll's answer tells the agent to stop that rank.
     */
    public void ranksStarted(DeviceId device, List<WorkPoll.StartedRank> reports) {
        if (reports.size() > WorkPoll.STARTED_MAX) {
            throw Refusal.invalid("a work poll carries at most " + WorkPoll.STARTED_MAX + " start reports");
        }
        List<ClusterId> ids = new ArrayList<>(reports.size());
        for (WorkPoll.StartedRank report : reports) {
            requireHeadAddr(report.rank(), report.headAddr());
            requireEndpoints(report.endpoints());
            ids.add(clusterOfDevice(device, report.clusterId(), report.rank()));
        }
        for (int i = 0; i < reports.size(); i++) {
            WorkPoll.StartedRank report = reports.get(i);
            applyStart(ids.get(i), report.rank(), placement(report.placement()), report.headAddr(), report.endpoints());
        }
    }

    /** A container's published ports: at most as many as a cluster declares, each a port and a {@code host:port}. */
    private static void requireEndpoints(List<Endpoint> endpoints) {
        if (endpoints.size() > ContainerSpec.PORTS_MAX) {
            throw Refusal.invalid("a rank publishes at most " + ContainerSpec.PORTS_MAX + " ports");
        }
        for (Endpoint endpoint : endpoints) {
            if (endpoint == null || endpoint.port() == null || !ENDPOINT_PORT.matcher(endpoint.port()).matches()
                    || endpoint.address() == null || !Endpoint.ADDRESS.matcher(endpoint.address()).matches()) {
                throw Refusal.invalid("an endpoint is a port (8080/tcp) and an address (host:port)");
            }
        }
    }

    private static void requireHeadAddr(int rank, String headAddr) {
        if (rank == 0 && (headAddr == null || !HEAD_ADDR.matcher(headAddr).matches())) {
            throw Refusal.invalid("rank 0 must report its headAddr as host:port");
        }
    }

    /**
     * Records a rank's start once (a repeated report changes nothing); rank 0's sends the others
     * out, the last one makes the cluster RUNNING. Returns the cluster's final state if it has
     * ended, else null.
     */
    private ClusterState applyStart(ClusterId id, int rankNo, int placement, String headAddr,
            List<Endpoint> endpoints) {
        List<Duration> deployTook = new ArrayList<>(1);
        List<Duration> replacementTook = new ArrayList<>(1);
        ClusterState ended = devices.transaction((c, writes) -> {
            deployTook.clear();
            replacementTook.clear();
            // The cluster row first, as every transaction that writes a cluster and its ranks takes them
            // (then its devices): a start report that wrote its rank and then waited for the cluster's
            // ranks_waiting counter deadlocked with a settlement holding the cluster and ending its ranks.
            ClusterRow cluster = clusters.lock(c, id).orElseThrow();
            if (cluster.state().isFinal()) {
                return cluster.state();
            }
            Instant now = clock.instant();
            if (!clusters.rankStarted(c, id, rankNo, placement, now, endpoints)) {
                return null;
            }
            if (placement > 0) {
                clusters.lastLostAt(c, id, rankNo).ifPresent(lost -> replacementTook.add(Duration.between(lost, now)));
            }
            if (rankNo == 0) {
                clusters.setHeadAddr(c, id, headAddr);
                clusters.transition(c, id, List.of(ClusterState.PENDING), ClusterState.DEPLOYING, null, now);
                for (RankRow rank : clusters.ranks(c, id)) {
                    if (rank.rank() > 0) {
                        writes.wake(rank.device());
                    }
                }
            }
            boolean allStarted = clusters.rankLeftWaiting(c, id) == 0;
            if (allStarted && clusters.transition(c, id, List.of(ClusterState.DEPLOYING), ClusterState.RUNNING,
                    null, now)) {
                clusters.markRunning(c, id, now, now.plus(Duration.ofHours(cluster.hours())));
                deployTook.add(Duration.between(cluster.createdAt(), now));
            }
            return null;
        });
        deployTook.forEach(timeToRunning::record);
        replacementTook.forEach(timeToReplacement::record);
        return ended;
    }

    /**
     * A rank's exit. A program that failed on its own (not ended by its agent) starts again on its
     * device while the cluster's restart policy allows, after {@link #restartPause}; otherwise a
     * failure ends the cluster, and the last clean exit completes it. A repeated report of a
     * failure already answered gets the same answer.
     */
    public RankExitAnswer rankExited(DeviceId device, String clusterId, RankExited exited) {
        ClusterId id = clusterOfDevice(device, clusterId, exited.rank());
        exitReports.increment();
        int restartsBefore = exited.restarts() == null ? 0 : exited.restarts();
        if (restartsBefore < 0 || restartsBefore > DeployOrder.RESTARTS_MAX) {
            throw Refusal.invalid("restarts must be 0.." + DeployOrder.RESTARTS_MAX);
        }
        boolean programFailed = exited.exitCode() != 0 && exited.error() == null;
        EndReason code = exited.error() != null ? EndReason.ofAgentCause(exited.cause())
                : exited.exitCode() == 0 ? EndReason.COMPLETED : EndReason.PROGRAM_EXITED;
        int placement = placement(exited.placement());
        if (code == EndReason.DEVICE_LOST && lostWithItsDevice(device, id, exited.rank(), placement)) {
            return RankExitAnswer.DONE;
        }
        List<RankExitAnswer> restart = new ArrayList<>(1);
        Optional<ClusterState> ending = db.transaction(c -> {
            restart.clear();
            ClusterRow cluster = clusters.lock(c, id).orElseThrow();
            RankRow rank = clusters.rank(c, id, exited.rank()).orElseThrow();
            if (rank.placement() != placement) {
                // A late report of a placement since lost: the rank runs elsewhere, or anew here.
                return Optional.<ClusterState>empty();
            }
            if (programFailed && !cluster.state().isFinal() && rank.state() == RankState.STARTED
                    && restartsBefore < cluster.restartMax()) {
                if (restartsBefore < rank.restarts()
                        || clusters.rankRestarting(c, id, exited.rank(), restartsBefore, "exited with code "
                                + exited.exitCode())) {
                    restart.add(new RankExitAnswer(true, restartPause(restartsBefore).toMillis(), restartsBefore + 1));
                    return Optional.<ClusterState>empty();
                }
            }
            RankState before = rank.state();
            if (!clusters.rankExited(c, id, exited.rank(), exited.exitCode(), code, clock.instant())
                    || cluster.state().isFinal()) {
                return Optional.<ClusterState>empty();
            }
            if (before == RankState.ASSIGNED) {
                clusters.rankLeftWaiting(c, id);
            }
            if (exited.exitCode() != 0 || exited.error() != null) {
                return Optional.of(ClusterState.FAILED);
            }
            boolean allDone = clusters.rankExitedCleanly(c, id) == 0;
            return allDone ? Optional.of(ClusterState.COMPLETED) : Optional.<ClusterState>empty();
        });
        if (!restart.isEmpty()) {
            restartsGranted.increment();
            return restart.getFirst();
        }
        ending.ifPresent(state -> ends.end(id, state, code, state != ClusterState.FAILED ? null
                : exited.error() != null ? "rank " + exited.rank() + " failed: " + exited.error()
                : "rank " + exited.rank() + " exited with code " + exited.exitCode()
                        + (restartsBefore > 0 ? " after " + restartsBefore + " restarts" : "")));
        return RankExitAnswer.DONE;
    }

    /**
     * A started rank its device could not go on running (its agent restarted, or lost the
     * coordinator for longer than its lease) is lost as if the device had stopped responding:
     * the device is let go and has abandoned the job, and the sweep looks for a device to take
     * the rank. False if the rank had not started, or its cluster has ended.
     */
    private boolean lostWithItsDevice(DeviceId device, ClusterId id, int rankNo, int placement) {
        return devices.transaction((c, writes) -> {
            ClusterRow cluster = clusters.lock(c, id).orElseThrow();
            RankRow rank = clusters.rank(c, id, rankNo).orElseThrow();
            if (cluster.state().isFinal() || rank.state() != RankState.STARTED || rank.placement() != placement
                    || clusters.ranksLostWith(c, id, device, clock.instant()) == 0) {
                return false;
            }
            writes.abandoned(device, clock.instant());
            return true;
        });
    }

    /**
     * How long a failed program waits before it starts again: {@link #RESTART_PAUSE_FIRST},
     * doubling with each restart, at most {@link #RESTART_PAUSE_MAX}. Never under a second: the
     * agent follows a restarted container's log from the second it starts again.
     */
    static Duration restartPause(int restartsBefore) {
        long millis = RESTART_PAUSE_FIRST.toMillis() << Math.min(restartsBefore, 16);
        return Duration.ofMillis(Math.min(millis, RESTART_PAUSE_MAX.toMillis()));
    }

    /**
     * How far a waiting rank's image pull has got, shown in its cluster's view until it starts;
     * a report for a rank that no longer waits changes nothing.
     */
    public void rankPulling(DeviceId device, String clusterId, RankPulling pulling) {
        if (pulling.bytesDone() < 0 || pulling.bytesTotal() < 0 || pulling.bytesDone() > PULL_BYTES_MAX
                || pulling.bytesTotal() > PULL_BYTES_MAX) {
            throw Refusal.invalid("bytesDone and bytesTotal must be 0.." + PULL_BYTES_MAX);
        }
        ClusterId id = clusterOfDevice(device, clusterId, pulling.rank());
        db.transaction(c -> clusters.rankPulling(c, id, pulling.rank(), device, pulling.bytesDone(),
                pulling.bytesTotal(), clock.instant()));
    }

    public void appendLogs(DeviceId device, String clusterId, LogBatch batch) {
        if (batch.lines() == null || batch.lines().size() > LOG_BATCH_LINES_MAX || batch.firstSeq() < 0) {
            throw Refusal.invalid("a log batch holds 1.." + LOG_BATCH_LINES_MAX + " lines from a seq >= 0");
        }
        ClusterId id = clusterOfDevice(device, clusterId, batch.rank());
        db.transaction(c -> logs.append(c, id, batch.rank(), batch.firstSeq(), batch.lines()));
    }

    /** A report's placement: none (an agent from before placements) counts as the first. */
    private static int placement(Integer reported) {
        if (reported != null && (reported < 0 || reported > PLACEMENTS_MAX)) {
            throw Refusal.invalid("placement must be 0.." + PLACEMENTS_MAX);
        }
        return reported == null ? 0 : reported;
    }

    /** The cluster, if this device runs this rank of it: a device cannot report on another device's rank. */
    private ClusterId clusterOfDevice(DeviceId device, String clusterId, int rank) {
        if (!Ids.looksLike(clusterId, ClusterId.PREFIX)) {
            throw Refusal.notFound("cluster", String.valueOf(clusterId));
        }
        ClusterId id = new ClusterId(clusterId);
        boolean mine = db.transaction(c -> clusters.rank(c, id, rank).map(r -> r.device().equals(device)).orElse(false));
        if (!mine) {
            throw Refusal.notFound("rank " + rank + " of cluster", clusterId);
        }
        return id;
    }
}

package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceId;
import dev.corral.server.challenges.ChallengeService;
import dev.corral.server.clusters.ClusterSweep;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.devices.TelemetryHistory;
import dev.corral.server.http.ReplayGuard;
import dev.corral.server.network.NetworkService;
import dev.corral.server.tokens.EpochService;
import dev.corral.server.tokens.StakeService;
import dev.corral.server.web.Sessions;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.Devices;
import dev.corral.store.Quotes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the timeouts on a fixed interval: devices not heard from go offline (and their
 * clusters fail), paid time runs out, slow deployments fail, ended epochs are closed, stakes
 * whose cool-down is over are released, availability challenges are sent and expired, the
 * nonces of requests too old to be accepted anyway are forgotten, the network's figures are
 * sampled for the Explorer's charts and devices' telemetry for their owners', ended web
 * sessions are forgotten. Devices
 * are marked offline only after the coordinator has itself been watching for a whole
 * heartbeat timeout: after a start, and after any gap between sweeps longer than the timeout
 * (a long pause, a suspended VM, a clock step), agents get that long to be heard again.
 */
final class Sweeper implements AutoCloseable {
    /** How long an expired quote is kept, so a late deploy naming it hears "expired" rather than "unknown". */
    static final Duration QUOTE_RETENTION = Duration.ofDays(1);
    /**
     * How long closed stretches online are kept: far longer than any epoch left to close, and the
     * 30 days of uptime the Worker dashboard shows.
     */
    static final Duration ONLINE_STRETCH_RETENTION = Duration.ofDays(31);
    /**
     * How often the silent devices are looked for in the store's every row rather than in the
     * index's memory of heartbeats: a bound on how long a device the index somehow missed stays online.
     */
    static final Duration OFFLINE_FULL_SCAN_INTERVAL = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final Database db;
    private final Devices deviceRows;
    private final Quotes quotes;
    private final DeviceState devices;
    private final ClusterSweep clusters;
    private final EpochService epochs;
    private final StakeService stakes;
    private final ChallengeService challenges;
    private final NetworkService network;
    private final Sessions sessions;
    private final TelemetryHistory telemetry;
    private final Clock clock;
    private final Duration heartbeatTimeout;
    private final ReplayGuard replays;
    private Instant previousSweep;
    private Instant graceUntil;
    private Instant nextFullScan;
    private final ScheduledExecutorService executor;

    Sweeper(Database db, Devices deviceRows, Quotes quotes, DeviceState devices, ClusterSweep clusters,
            EpochService epochs, StakeService stakes, ChallengeService challenges, NetworkService network,
            Sessions sessions, TelemetryHistory telemetry, ReplayGuard replays, Clock clock,
            Duration heartbeatTimeout, Duration interval) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.quotes = requireNonNull(quotes, "quotes is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.epochs = requireNonNull(epochs, "epochs is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.network = requireNonNull(network, "network is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.heartbeatTimeout = requireNonNull(heartbeatTimeout, "heartbeatTimeout is null");
        this.replays = requireNonNull(replays, "replays is null");
        this.previousSweep = clock.instant();
        this.graceUntil = previousSweep.plus(heartbeatTimeout);
        this.nextFullScan = graceUntil.plus(OFFLINE_FULL_SCAN_INTERVAL);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "corral-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sweepSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sweep() {
        Instant now = clock.instant();
        if (now.isAfter(previousSweep.plus(heartbeatTimeout))) {
            graceUntil = now.plus(heartbeatTimeout);
        }
        previousSweep = now;
        List<DeviceRow> offline = List.of();
        if (!now.isBefore(graceUntil)) {
            Instant cutoff = now.minus(heartbeatTimeout);
            boolean fullScan = !now.isBefore(nextFullScan);
            List<DeviceId> silent = fullScan ? List.of() : devices.silentSince(cutoff);
            offline = devices.transaction((c, writes) -> writes.markOffline(silent, fullScan, cutoff));
            if (fullScan) {
                nextFullScan = now.plus(OFFLINE_FULL_SCAN_INTERVAL);
            }
        }
        clusters.sweep(offline);
        epochs.closeDue();
        stakes.releaseDue();
        challenges.expireOverdue();
        challenges.issueDue();
        replays.prune(now);
        db.transaction(c -> quotes.pruneExpiredBefore(c, now.minus(QUOTE_RETENTION)));
        db.transaction(c -> deviceRows.pruneOnlineBefore(c, now.minus(ONLINE_STRETCH_RETENTION)));
        // What only the web faces show: a failure here stops none of the others, nor the work above.
        apart("sampling the network's figures", network::sampleDue);
        apart("forgetting ended web sessions", sessions::pruneEnded);
        apart("sampling devices' telemetry", telemetry::sampleDue);
    }

    private static void apart(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed; trying again at the next sweep", what, e);
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("sweep failed; retrying at the next interval", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterState;
import dev.corral.core.DeviceStatus;
import dev.corral.core.api.NetworkStats;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.store.DeviceRow;
import dev.corral.store.Ledger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/** The public figures anyone may read: devices, clusters, and the ledger's sums. */
final class NetworkService {
    /** Metrics scrapes reuse figures this young: computing them reads every device. */
    static final Duration METRICS_FIGURES_AGE_MAX = Duration.ofSeconds(5);

    private record Snapshot(NetworkStats stats, long takenNanos) {}

    private final Store store;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Snapshot recent;

    NetworkService(Store store) {
        this.store = requireNonNull(store, "store is null");
    }

    /** The figures as of at most {@link #METRICS_FIGURES_AGE_MAX} ago, for metrics: one computation serves every gauge. */
    NetworkStats recent() {
        Snapshot snapshot = recent;
        if (snapshot != null && System.nanoTime() - snapshot.takenNanos() < METRICS_FIGURES_AGE_MAX.toNanos()) {
            return snapshot.stats();
        }
        refreshing.lock();
        try {
            snapshot = recent;
            if (snapshot == null || System.nanoTime() - snapshot.takenNanos() >= METRICS_FIGURES_AGE_MAX.toNanos()) {
                snapshot = new Snapshot(stats(), System.nanoTime());
                recent = snapshot;
            }
            return snapshot.stats();
        } finally {
            refreshing.unlock();
        }
    }

    NetworkStats stats() {
        return store.db().transaction(c -> {
            List<DeviceRow> devices = store.devices().all(c);
            Map<String, Integer> byModel = new TreeMap<>();
            int online = 0;
            int idle = 0;
            for (DeviceRow device : devices) {
                if (!device.online()) {
                    continue;
                }
                online++;
                idle += DeviceService.status(device) == DeviceStatus.IDLE ? 1 : 0;
                String model = device.hardware().model() == null ? "CPU" : device.hardware().model().name();
                byModel.merge(model, 1, Integer::sum);
            }
            Map<String, Integer> byState = new TreeMap<>();
            for (Map.Entry<ClusterState, Integer> entry : store.clusters().countByState(c).entrySet()) {
                byState.put(entry.getKey().name(), entry.getValue());
            }
            List<NetworkStats.LedgerTotal> ledger = store.ledger().totals(c).stream()
                    .map(t -> new NetworkStats.LedgerTotal(t.currency().name(), t.balanceSum(), t.fundedFromOutside(),
                            t.networkFees(), t.transfers()))
                    .toList();
            Ledger.Supply supply = store.ledger().supply(c);
            NetworkStats.TokenSupply token = new NetworkStats.TokenSupply(EmissionSchedule.GENESIS_SUPPLY,
                    supply.minted(), supply.burned(), supply.current(), EmissionSchedule.HARD_CAP);
            return new NetworkStats(online, idle, online - idle, byModel, byState, ledger, token);
        });
    }
}

package dev.corral.server.network;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.api.NetworkStats;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Devices;
import dev.corral.store.Ledger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The public figures anyone may read: devices, clusters, and the ledger's sums. Anyone may ask
 * as often as they like, so the figures that read a whole table or index are reused for a
 * while: the device counts (an index entry per device) for {@link #DEVICE_FIGURES_AGE_MAX},
 * the balance sums (every account) for {@link #BALANCE_SUMS_AGE_MAX}. The rest reads a few rows.
 */
public final class NetworkService {
    /** Metrics scrapes reuse figures this young: one computation serves every gauge. */
    static final Duration METRICS_FIGURES_AGE_MAX = Duration.ofSeconds(5);
    /** The sums of all balances (zero for a sound ledger) read every account: they are reused while this young. */
    static final Duration BALANCE_SUMS_AGE_MAX = Duration.ofSeconds(5);
    /** The device counts read an index entry per device (0.15-1 s for a million): reused while this young. */
    static final Duration DEVICE_FIGURES_AGE_MAX = Duration.ofSeconds(1);

    private record DeviceFigures(int online, int idle, Map<String, Integer> onlineByModel) {}

    private final Database db;
    private final Devices deviceRows;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Recent<NetworkStats> forMetrics;
    private final Recent<Map<Currency, Long>> balanceSums;
    private final Recent<DeviceFigures> deviceFigures;

    public NetworkService(Database db, Devices deviceRows, Clusters clusters, Ledger ledger) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.forMetrics = new Recent<>(METRICS_FIGURES_AGE_MAX, this::stats);
        this.balanceSums = new Recent<>(BALANCE_SUMS_AGE_MAX,
                () -> db.transaction(c -> ledger.balanceSums(c)));
        this.deviceFigures = new Recent<>(DEVICE_FIGURES_AGE_MAX, this::countDevices);
    }

    /** The figures as of at most {@link #METRICS_FIGURES_AGE_MAX} ago, for metrics. */
    public NetworkStats recent() {
        return forMetrics.get();
    }

    public NetworkStats stats() {
        Map<Currency, Long> sums = balanceSums.get();
        DeviceFigures devices = deviceFigures.get();
        return db.transaction(c -> {
            Map<String, Integer> byState = new TreeMap<>();
            for (Map.Entry<ClusterState, Integer> entry : clusters.countByState(c).entrySet()) {
                byState.put(entry.getKey().name(), entry.getValue());
            }
            List<NetworkStats.LedgerTotal> totals = ledger.totals(c, sums).stream()
                    .map(t -> new NetworkStats.LedgerTotal(t.currency().name(), t.balanceSum(), t.fundedFromOutside(),
                            t.networkFees(), t.transfers()))
                    .toList();
            Ledger.Supply supply = ledger.supply(c);
            NetworkStats.TokenSupply token = new NetworkStats.TokenSupply(EmissionSchedule.GENESIS_SUPPLY,
                    supply.minted(), supply.burned(), supply.current(), EmissionSchedule.HARD_CAP);
            return new NetworkStats(devices.online(), devices.idle(), devices.online() - devices.idle(),
                    devices.onlineByModel(), byState, totals, token);
        });
    }

    private DeviceFigures countDevices() {
        Map<String, Integer> byModel = new TreeMap<>();
        int online = 0;
        int idle = 0;
        for (Devices.OnlineCount count : db.transaction(c -> deviceRows.onlineByModel(c))) {
            online += count.online();
            idle += count.idle();
            byModel.merge(count.gpuModel() == null ? "CPU" : count.gpuModel(), count.online(), Integer::sum);
        }
        return new DeviceFigures(online, idle, Collections.unmodifiableMap(byModel));
    }

    /** A value computed again once older than its age limit; one computation serves every caller meanwhile. */
    private static final class Recent<T> {
        private record Taken<T>(T value, long atNanos) {}

        private final long ageMaxNanos;
        private final Supplier<T> compute;
        private final ReentrantLock refreshing = new ReentrantLock();
        private volatile Taken<T> taken;

        Recent(Duration ageMax, Supplier<T> compute) {
            this.ageMaxNanos = ageMax.toNanos();
            this.compute = compute;
        }

        T get() {
            Taken<T> current = taken;
            if (current != null && System.nanoTime() - current.atNanos() < ageMaxNanos) {
                return current.value();
            }
            refreshing.lock();
            try {
                current = taken;
                if (current == null || System.nanoTime() - current.atNanos() >= ageMaxNanos) {
                    current = new Taken<>(compute.get(), System.nanoTime());
                    taken = current;
                }
                return current.value();
            } finally {
                refreshing.unlock();
            }
        }
    }
}

package dev.corral.server.network;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.api.NetworkStats;
import dev.corral.ledger.ComputeWeight;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Devices;
import dev.corral.store.Ledger;
import dev.corral.store.NetworkSamples;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public figures anyone may read: devices, clusters, and the ledger's sums. Anyone may ask
 * as often as they like, so the figures that read a whole table or index are reused for a
 * while: the device counts (an index entry per device) for {@link #DEVICE_FIGURES_AGE_MAX},
 * the balance sums (every account) for {@link #BALANCE_SUMS_AGE_MAX}. The rest reads a few rows.
 */
public final class NetworkService {
    private static final long MILLIS_PER_HOUR = Duration.ofHours(1).toMillis();
    /** Metrics scrapes reuse figures this young: one computation serves every gauge. */
    static final Duration METRICS_FIGURES_AGE_MAX = Duration.ofSeconds(5);
    /** The sums of all balances (zero for a sound ledger) read every account: they are reused while this young. */
    static final Duration BALANCE_SUMS_AGE_MAX = Duration.ofSeconds(5);
    /** The device counts read an index entry per device (0.15-1 s for a million): reused while this young. */
    static final Duration DEVICE_FIGURES_AGE_MAX = Duration.ofSeconds(1);

    /** The online devices by country, and their availability weight, read every device row: reused while this young. */
    static final Duration COUNTRY_FIGURES_AGE_MAX = Duration.ofSeconds(5);
    /** How often the device figures are kept for the charts of the network over time. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofMinutes(1);
    /** How long a sample is kept: the longest chart spans this. */
    public static final Duration SAMPLE_RETENTION = Duration.ofDays(1);
    /** The most samples one answer holds: a day of them. */
    public static final int SAMPLES_PER_ANSWER_MAX = (int) (Duration.ofDays(1).toMillis() / SAMPLE_INTERVAL.toMillis());

    private record DeviceFigures(int online, int idle, int hired, Map<String, Integer> onlineByModel,
            List<NetworkStats.ModelCount> models) {}

    private final Database db;
    private final Devices deviceRows;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Recent<NetworkStats> forMetrics;
    private final Recent<Map<Currency, Long>> balanceSums;
    private final Recent<DeviceFigures> deviceFigures;
    private final Recent<Map<String, Integer>> countryFigures;
    private final Recent<Long> onlineWeight;
    private final NetworkSamples samples;
    private final Clock clock;

    public NetworkService(Database db, Devices deviceRows, Clusters clusters, Ledger ledger, NetworkSamples samples,
            Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.forMetrics = new Recent<>(METRICS_FIGURES_AGE_MAX, this::stats);
        this.balanceSums = new Recent<>(BALANCE_SUMS_AGE_MAX,
                () -> db.transaction(c -> ledger.balanceSums(c)));
        this.deviceFigures = new Recent<>(DEVICE_FIGURES_AGE_MAX, this::countDevices);
        this.countryFigures = new Recent<>(COUNTRY_FIGURES_AGE_MAX,
                () -> Collections.unmodifiableMap(db.transaction(c -> deviceRows.onlineByCountry(c))));
        this.onlineWeight = new Recent<>(COUNTRY_FIGURES_AGE_MAX, () -> db.transaction(c -> deviceRows.onlineByShape(c))
                .stream().mapToLong(shape -> ComputeWeight.milli(shape.gpuModel(), shape.gpuCount()) * shape.devices())
                .sum());
        this.samples = requireNonNull(samples, "samples is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Keeps the device figures as a sample if the last one is {@link #SAMPLE_INTERVAL} old (or
     * there is none), and forgets those past {@link #SAMPLE_RETENTION}; true if it kept one.
     */
    public boolean sampleDue() {
        Instant now = clock.instant();
        Optional<Instant> latest = db.transaction(c -> samples.latest(c));
        if (latest.isPresent() && now.isBefore(latest.get().plus(SAMPLE_INTERVAL))) {
            return false;
        }
        DeviceFigures devices = deviceFigures.get();
        db.transaction(c -> {
            samples.add(c, new NetworkSamples.Sample(now, devices.online(), devices.idle(), devices.hired()));
            return samples.pruneBefore(c, now.minus(SAMPLE_RETENTION));
        });
        return true;
    }

    /**
     * The availability weight of every device online now, in thousandths (what a block's
     * availability reward is split by), as of at most {@link #COUNTRY_FIGURES_AGE_MAX} ago.
     */
    public long onlineWeightMilli() {
        return onlineWeight.get();
    }

    /** The samples of the last {@code span}, oldest first, at most {@link #SAMPLES_PER_ANSWER_MAX} (the newest). */
    public List<NetworkSamples.Sample> history(Duration span) {
        Instant since = clock.instant().minus(span);
        Instant newestDay = clock.instant().minus(SAMPLE_INTERVAL.multipliedBy(SAMPLES_PER_ANSWER_MAX));
        return db.transaction(c -> samples.since(c, since.isAfter(newestDay) ? since : newestDay,
                SAMPLES_PER_ANSWER_MAX + 1));
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
            Map<String, Long> hoursByState = new TreeMap<>();
            for (Map.Entry<ClusterState, Long> entry : clusters.deviceMillisByState(c, clock.instant()).entrySet()) {
                hoursByState.put(entry.getKey().name(), entry.getValue() / MILLIS_PER_HOUR);
            }
            List<NetworkStats.LedgerTotal> totals = ledger.totals(c, sums).stream()
                    .map(t -> new NetworkStats.LedgerTotal(t.currency().name(), t.balanceSum(), t.fundedFromOutside(),
                            t.networkFees(), t.transfers()))
                    .toList();
            Ledger.Supply supply = ledger.supply(c);
            NetworkStats.TokenSupply token = new NetworkStats.TokenSupply(EmissionSchedule.GENESIS_SUPPLY,
                    supply.minted(), supply.burned(), supply.current(), EmissionSchedule.HARD_CAP);
            return new NetworkStats(devices.online(), devices.idle(), devices.online() - devices.idle(),
                    devices.onlineByModel(), devices.models(), countryFigures.get(), byState, hoursByState, totals, token);
        });
    }

    private DeviceFigures countDevices() {
        Map<String, Integer> byModel = new TreeMap<>();
        List<NetworkStats.ModelCount> models = new ArrayList<>();
        int online = 0;
        int idle = 0;
        int hired = 0;
        for (Devices.OnlineCount count : db.transaction(c -> deviceRows.onlineByModel(c))) {
            online += count.online();
            idle += count.idle();
            hired += count.hired();
            String model = count.gpuModel() == null ? "CPU" : count.gpuModel();
            byModel.merge(model, count.online(), Integer::sum);
            models.add(new NetworkStats.ModelCount(model, count.online(), count.idle(), count.hired()));
        }
        models.sort(Comparator.comparing(NetworkStats.ModelCount::online).reversed()
                .thenComparing(NetworkStats.ModelCount::model));
        return new DeviceFigures(online, idle, hired, Collections.unmodifiableMap(byModel), List.copyOf(models));
    }
}

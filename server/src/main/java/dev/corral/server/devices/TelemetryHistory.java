package dev.corral.server.devices;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.Telemetry;
import dev.corral.server.Refusal;
import dev.corral.store.Database;
import dev.corral.store.Devices;
import dev.corral.store.TelemetrySamples;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Devices' telemetry over time, for their owners' charts: every {@link #SAMPLE_INTERVAL} the
 * latest reading of each online device is copied (one statement for all of them), and kept
 * for {@link #RETENTION}. An owner reads only their own devices' history.
 */
public final class TelemetryHistory {
    /** How often each online device's latest reading is kept. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofMinutes(5);
    /** How long a reading is kept: the longest chart spans this. */
    public static final Duration RETENTION = Duration.ofDays(1);
    /** The most samples one answer holds: the retention's worth. */
    static final int SAMPLES_PER_ANSWER_MAX = (int) (RETENTION.toMillis() / SAMPLE_INTERVAL.toMillis()) + 1;

    private final Database db;
    private final Devices deviceRows;
    private final TelemetrySamples samples;
    private final Clock clock;

    public TelemetryHistory(Database db, Devices deviceRows, TelemetrySamples samples, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.samples = requireNonNull(samples, "samples is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Takes the readings if the last were taken {@link #SAMPLE_INTERVAL} ago (or never); how many it took. */
    public int sampleDue() {
        Instant now = clock.instant();
        Optional<Instant> latest = db.transaction(c -> samples.latest(c));
        if (latest.isPresent() && now.isBefore(latest.get().plus(SAMPLE_INTERVAL))) {
            return 0;
        }
        return db.transaction(c -> {
            samples.pruneBefore(c, now.minus(RETENTION));
            return samples.takeOfOnlineDevices(c, now);
        });
    }

    /**
     * The owner's device's readings over the span, as columns a chart reads: seconds, CPU load,
     * memory, and across its GPUs the mean utilisation, the hottest temperature, the power drawn
     * and the memory in use. A device of another owner answers as one that does not exist.
     */
    public Map<String, List<Number>> of(AccountId owner, String deviceId, Duration span) {
        DeviceId id = DeviceService.parseId(deviceId);
        List<TelemetrySamples.Sample> read = db.transaction(c -> {
            if (deviceRows.owned(c, owner, id).isEmpty()) {
                throw Refusal.notFound("device", deviceId);
            }
            return samples.of(c, id, clock.instant().minus(span), SAMPLES_PER_ANSWER_MAX);
        });
        Map<String, List<Number>> columns = new LinkedHashMap<>();
        columns.put("at", read.stream().<Number>map(s -> s.at().getEpochSecond()).toList());
        columns.put("cpuLoadPercent", read.stream().<Number>map(s -> s.telemetry().cpuLoadPercent()).toList());
        columns.put("memoryUsedMb", read.stream().<Number>map(s -> s.telemetry().memoryUsedMb()).toList());
        columns.put("gpuUtilizationPercent", read.stream().<Number>map(s -> s.telemetry().gpus().stream()
                .mapToDouble(Telemetry.GpuReading::utilizationPercent).average().orElse(0)).toList());
        columns.put("gpuTemperatureC", read.stream().<Number>map(s -> s.telemetry().gpus().stream()
                .mapToDouble(Telemetry.GpuReading::temperatureC).max().orElse(0)).toList());
        columns.put("gpuPowerW", read.stream().<Number>map(s -> s.telemetry().gpus().stream()
                .mapToDouble(Telemetry.GpuReading::powerW).sum()).toList());
        columns.put("gpuMemoryUsedMb", read.stream().<Number>map(s -> s.telemetry().gpus().stream()
                .mapToLong(Telemetry.GpuReading::memoryUsedMb).sum()).toList());
        return columns;
    }
}

package dev.corral.core;

import java.util.List;

/** A device's live readings, sent with every heartbeat. GPU readings are absent on CPU devices. */
public record Telemetry(double cpuLoadPercent, long memoryUsedMb, List<GpuReading> gpus) {
    public static final int GPU_READINGS_MAX = HardwareSpec.GPU_COUNT_MAX;

    public Telemetry {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
        if (gpus.size() > GPU_READINGS_MAX) {
            throw new IllegalArgumentException("telemetry: more than " + GPU_READINGS_MAX + " GPU readings");
        }
        if (!(cpuLoadPercent >= 0 && cpuLoadPercent <= 100)) {
            throw new IllegalArgumentException("telemetry: cpuLoadPercent must be 0..100");
        }
    }

    /** One GPU's utilisation, temperature, power draw and memory in use. */
    public record GpuReading(double utilizationPercent, double temperatureC, double powerW, long memoryUsedMb) {}
}

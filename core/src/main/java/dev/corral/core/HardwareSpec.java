package dev.corral.core;

import static java.util.Objects.requireNonNull;

import java.util.Objects;

/**
 * What a device says it is. Accepted by the coordinator only when signed by the device's
 * own key, and re-asserted on every heartbeat so a wrong value heals. {@code diskGb} is the
 * disk its ranks may fill: the space free where its container engine (or, without one, its
 * agent) keeps their files when the agent started, in whole GB (10^9 bytes); 0 when unknown.
 */
public record HardwareSpec(
        DeviceKind kind,
        String gpuModel,
        int gpuCount,
        long vramMbPerGpu,
        String driverVersion,
        String cpuModel,
        int cpuCores,
        long memoryMb,
        long diskGb) {
    public static final int GPU_COUNT_MAX = 64;
    /** A petabyte: more than any one machine offers. */
    public static final long DISK_GB_MAX = 1_000_000;
    public static final int CPU_CORES_MAX = 4096;
    public static final long MEMORY_MB_MAX = 64L * 1024 * 1024;
    private static final int TEXT_LENGTH_MAX = 128;

    public HardwareSpec {
        requireNonNull(kind, "kind is null");
        requireNonNull(cpuModel, "cpuModel is null");
        if (kind == DeviceKind.GPU) {
            GpuModel.parse(gpuModel);
            check(gpuCount >= 1 && gpuCount <= GPU_COUNT_MAX, "gpuCount must be 1.." + GPU_COUNT_MAX);
            check(vramMbPerGpu > 0 && vramMbPerGpu <= MEMORY_MB_MAX, "vramMbPerGpu out of range");
            check(driverVersion != null && driverVersion.length() <= TEXT_LENGTH_MAX, "driverVersion missing or too long");
        } else {
            check(gpuModel == null && gpuCount == 0 && vramMbPerGpu == 0, "a CPU device has no GPU fields");
        }
        check(cpuModel.length() <= TEXT_LENGTH_MAX, "cpuModel too long");
        check(cpuCores >= 1 && cpuCores <= CPU_CORES_MAX, "cpuCores must be 1.." + CPU_CORES_MAX);
        check(memoryMb >= 0 && memoryMb <= MEMORY_MB_MAX, "memoryMb out of range");
        check(diskGb >= 0 && diskGb <= DISK_GB_MAX, "diskGb must be 0.." + DISK_GB_MAX);
    }

    /** A device that does not say how much disk its ranks may fill. */
    public HardwareSpec(DeviceKind kind, String gpuModel, int gpuCount, long vramMbPerGpu, String driverVersion,
            String cpuModel, int cpuCores, long memoryMb) {
        this(kind, gpuModel, gpuCount, vramMbPerGpu, driverVersion, cpuModel, cpuCores, memoryMb, 0);
    }

    /**
     * Whether this claims what {@code verified} claimed, as far as a challenge proves it: the
     * kind, and the GPUs (model, count, memory) or the CPU cores a challenge is sized by. A
     * device that claims otherwise must pass a challenge again before it is offered.
     */
    public boolean sameClaim(HardwareSpec verified) {
        return kind == verified.kind && gpuCount == verified.gpuCount && vramMbPerGpu == verified.vramMbPerGpu
                && cpuCores == verified.cpuCores && Objects.equals(model(), verified.model());
    }

    /** The same machine without its GPUs: its CPU cores, memory and disk. */
    public HardwareSpec cpuOnly() {
        return new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, cpuModel, cpuCores, memoryMb, diskGb);
    }

    /** The same device with this much disk for its ranks. */
    public HardwareSpec withDiskGb(long gb) {
        return new HardwareSpec(kind, gpuModel, gpuCount, vramMbPerGpu, driverVersion, cpuModel, cpuCores, memoryMb, gb);
    }

    /** The canonical model of a GPU device; null for a CPU device. */
    public GpuModel model() {
        return kind == DeviceKind.GPU ? GpuModel.parse(gpuModel) : null;
    }

    public String describe() {
        return kind == DeviceKind.GPU
                ? gpuCount + "x " + model() + " (" + vramMbPerGpu / 1024 + " GB)"
                : "CPU " + cpuCores + " cores (" + cpuModel + ")";
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("hardware: " + message);
        }
    }
}

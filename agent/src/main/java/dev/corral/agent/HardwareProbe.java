package dev.corral.agent;

import com.sun.management.OperatingSystemMXBean;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out what this machine is: its NVIDIA GPUs when nvidia-smi answers, otherwise its
 * CPU as a CPU device. It never invents a GPU. Also reads live telemetry for heartbeats.
 */
final class HardwareProbe {
    static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(HardwareProbe.class);

    private final String nvidiaSmi;

    HardwareProbe(String nvidiaSmi) {
        this.nvidiaSmi = nvidiaSmi;
    }

    /**
     * This machine's hardware, with the disk its ranks may fill: what is free, in whole GB,
     * on the file system of {@code ranksFiles} (where the engine keeps containers, or the
     * agent's data directory).
     */
    HardwareSpec detect(Path ranksFiles) {
        return withoutDisk().withDiskGb(freeGb(ranksFiles));
    }

    static long freeGb(Path directory) {
        try {
            return Math.min(Files.getFileStore(directory).getUsableSpace() / 1_000_000_000L, HardwareSpec.DISK_GB_MAX);
        } catch (IOException e) {
            LOG.warn("cannot read the free space of {}: offering no disk ({})", directory, e.getMessage());
            return 0;
        }
    }

    private HardwareSpec withoutDisk() {
        String cpuModel = cpuModel();
        int cores = Runtime.getRuntime().availableProcessors();
        long memoryMb = totalMemoryMb();
        Optional<List<NvidiaSmi.Gpu>> gpus = run(NvidiaSmi.INVENTORY_QUERY).map(NvidiaSmi::parseInventory)
                .filter(list -> !list.isEmpty());
        if (gpus.isEmpty()) {
            return new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, cpuModel, cores, memoryMb);
        }
        // A device offers GPUs of one model; on a mixed machine the most numerous model is offered.
        GpuModel model = gpus.get().stream().map(gpu -> GpuModel.parse(gpu.name()))
                .reduce((a, b) -> count(gpus.get(), a) >= count(gpus.get(), b) ? a : b).orElseThrow();
        List<NvidiaSmi.Gpu> offered = gpus.get().stream().filter(gpu -> GpuModel.parse(gpu.name()).equals(model)).toList();
        NvidiaSmi.Gpu first = offered.getFirst();
        return new HardwareSpec(DeviceKind.GPU, first.name(), offered.size(), first.memoryMb(), first.driverVersion(),
                cpuModel, cores, memoryMb);
    }

    /**
     * The GPUs this device offers, by index in nvidia-smi's order (the driver's): those of the
     * offered model. What a rank's container is given of the host's GPUs.
     */
    List<String> offeredGpuIds(HardwareSpec hardware) {
        if (hardware.kind() != DeviceKind.GPU) {
            return List.of();
        }
        List<NvidiaSmi.Gpu> all = run(NvidiaSmi.INVENTORY_QUERY).map(NvidiaSmi::parseInventory).orElse(List.of());
        GpuModel model = GpuModel.parse(hardware.gpuModel());
        return IntStream.range(0, all.size()).filter(i -> GpuModel.parse(all.get(i).name()).equals(model))
                .mapToObj(Integer::toString).toList();
    }

    Telemetry telemetry(HardwareSpec hardware) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double load = Math.max(0, Math.min(100, os.getCpuLoad() * 100));
        long usedMb = (os.getTotalMemorySize() - os.getFreeMemorySize()) / (1024 * 1024);
        List<Telemetry.GpuReading> gpus = List.of();
        if (hardware.kind() == DeviceKind.GPU) {
            gpus = run(NvidiaSmi.READINGS_QUERY).map(NvidiaSmi::parseReadings).orElse(List.of()).stream()
                    .limit(Telemetry.GPU_READINGS_MAX)
                    .map(r -> new Telemetry.GpuReading(r.utilizationPercent(), r.temperatureC(), r.powerW(),
                            r.memoryUsedMb()))
                    .toList();
        }
        return new Telemetry(Double.isNaN(load) ? 0 : load, Math.max(0, usedMb), gpus);
    }

    private static long count(List<NvidiaSmi.Gpu> gpus, GpuModel model) {
        return gpus.stream().filter(gpu -> GpuModel.parse(gpu.name()).equals(model)).count();
    }

    /** nvidia-smi's output for a query, or empty when it is missing, fails or hangs. */
    private Optional<String> run(String query) {
        try {
            Process process = new ProcessBuilder(nvidiaSmi, query, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            // The answer is a few hundred bytes, well inside the pipe buffer, so waiting before reading cannot block.
            if (!process.waitFor(NVIDIA_SMI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                LOG.warn("{} did not answer within {}", nvidiaSmi, NVIDIA_SMI_TIMEOUT);
                return Optional.empty();
            }
            byte[] output = process.getInputStream().readAllBytes();
            return process.exitValue() == 0 ? Optional.of(new String(output, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    String model = line.substring(line.indexOf(':') + 1).trim();
                    return model.length() > 128 ? model.substring(0, 128) : model;
                }
            }
        } catch (IOException e) {
            LOG.debug("no /proc/cpuinfo", e);
        }
        String arch = System.getProperty("os.arch");
        return arch == null ? "unknown CPU" : arch;
    }

    private static long totalMemoryMb() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize() / (1024 * 1024);
    }
}

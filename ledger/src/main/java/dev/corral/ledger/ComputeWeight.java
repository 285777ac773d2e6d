package dev.corral.ledger;

import java.util.Map;

/**
 * How much a device weighs in availability rewards, in thousandths: a hardware multiplier
 * per GPU times the GPU count. Multipliers follow io.net's published block-reward examples
 * (H100 10, H200 12, B200 30, A100 80GB 5, RTX 4090 1.25), which name the chip, not its form
 * factor: an H100's PCIe card and NVL part count as an H100, an H200 NVL as an H200. An
 * unlisted GPU counts 1 and a CPU device 0.1.
 */
public final class ComputeWeight {
    static final long UNLISTED_GPU_MILLI = 1_000;
    static final long CPU_DEVICE_MILLI = 100;
    private static final Map<String, Long> GPU_MILLI = Map.of(
            "B200", 30_000L,
            "H200", 12_000L,
            "H200 NVL", 12_000L,
            "H100", 10_000L,
            "H100 NVL", 10_000L,
            "H100 PCIE", 10_000L,
            "A100 80GB", 5_000L,
            "A100", 4_000L,
            "RTX 4090", 1_250L);

    private ComputeWeight() {}

    /** The weight of a device with this many GPUs of this model; a null model is a CPU device. */
    public static long milli(String gpuModel, int gpuCount) {
        if (gpuModel == null) {
            return CPU_DEVICE_MILLI;
        }
        return GPU_MILLI.getOrDefault(gpuModel, UNLISTED_GPU_MILLI) * Math.max(1, gpuCount);
    }
}

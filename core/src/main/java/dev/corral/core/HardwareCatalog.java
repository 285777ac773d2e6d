package dev.corral.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GPU models as their vendors' public specification sheets describe them: memory, compute
 * capability, dense FP16 tensor and FP32 throughput, board power and memory bandwidth. A
 * device's model string from nvidia-smi maps here through {@link GpuModel#parse}; a model not
 * listed stays usable but unranked. "H100" and "H200" are the SXM modules; their PCIe card and NVL parts are listed
 * apart, as nvidia-smi names them apart and they are slower and draw less (the H200 NVL is not
 * listed yet: no price for it is recorded in {@link PriceTable}). The A100's PCIe and SXM parts
 * share one entry, as its sheet gives them the same throughput (the bandwidth is the PCIe
 * card's, the lower).
 */
public final class HardwareCatalog {
    /** One GPU model's published figures; compute capability is null for AMD parts. */
    public record Gpu(String model, int memoryGb, String computeCapability, double fp16Tflops, double fp32Tflops,
            int powerW, int memoryBandwidthGbs) {}

    private static final Map<String, Gpu> GPUS = Map.ofEntries(
            entry(new Gpu("H200", 141, "9.0", 989.4, 67.0, 700, 4800)),
            entry(new Gpu("H100", 80, "9.0", 989.4, 67.0, 700, 3350)),
            entry(new Gpu("H100 NVL", 94, "9.0", 835.5, 60.0, 400, 3900)),
            entry(new Gpu("H100 PCIE", 80, "9.0", 756.5, 51.2, 350, 2000)),
            entry(new Gpu("A100 80GB", 80, "8.0", 312.0, 19.5, 400, 1935)),
            entry(new Gpu("A100", 40, "8.0", 312.0, 19.5, 400, 1555)),
            entry(new Gpu("L40S", 48, "8.9", 362.1, 91.6, 350, 864)),
            entry(new Gpu("L4", 24, "8.9", 121.0, 30.3, 72, 300)),
            entry(new Gpu("A10", 24, "8.6", 125.0, 31.2, 150, 600)),
            entry(new Gpu("RTX 4090", 24, "8.9", 165.2, 82.6, 450, 1008)),
            entry(new Gpu("RTX 3090", 24, "8.6", 71.0, 35.6, 350, 936)),
            entry(new Gpu("RTX A6000", 48, "8.6", 154.8, 38.7, 300, 768)),
            entry(new Gpu("V100", 32, "7.0", 125.0, 15.7, 300, 900)),
            entry(new Gpu("T4", 16, "7.5", 65.0, 8.1, 70, 320)),
            entry(new Gpu("MI300X", 192, null, 1307.4, 163.4, 750, 5300)));

    private HardwareCatalog() {}

    /** Every GPU model the catalog lists, by name. */
    public static List<Gpu> gpus() {
        return GPUS.values().stream().sorted(java.util.Comparator.comparing(Gpu::model)).toList();
    }

    public static Optional<Gpu> gpu(GpuModel model) {
        return Optional.ofNullable(model == null ? null : GPUS.get(model.name()));
    }

    private static Map.Entry<String, Gpu> entry(Gpu gpu) {
        return Map.entry(gpu.model(), gpu);
    }
}

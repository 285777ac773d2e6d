package dev.corral.scheduler;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.Money;
import java.util.Map;

/**
 * The base price per GPU-hour by model that {@link PriceOracle} starts from. Figures are
 * rounded from the on-demand prices that decentralized GPU marketplaces (io.net, Vast.ai)
 * listed for these models in 2025; a model not listed gets {@link #UNLISTED_GPU_HOUR}. The
 * H100's PCIe card is io.net's listed price of 2026 ($1.49 against $2.20 for the SXM module, in
 * its comparison of the two), the H100 NVL TensorDock's on-demand price of 2026 ($1.91).
 */
public final class PriceTable {
    private static final Map<String, Long> GPU_HOUR_MICROS = Map.ofEntries(
            Map.entry("B200", 4_990_000L),
            Map.entry("H200", 2_490_000L),
            Map.entry("H100", 1_990_000L),
            Map.entry("H100 NVL", 1_910_000L),
            Map.entry("H100 PCIE", 1_490_000L),
            Map.entry("A100 80GB", 1_290_000L),
            Map.entry("A100", 1_090_000L),
            Map.entry("MI300X", 2_190_000L),
            Map.entry("L40S", 890_000L),
            Map.entry("A10", 500_000L),
            Map.entry("RTX A6000", 490_000L),
            Map.entry("L4", 450_000L),
            Map.entry("RTX 4090", 350_000L),
            Map.entry("V100", 250_000L),
            Map.entry("RTX 3090", 220_000L),
            Map.entry("T4", 150_000L));
    static final long UNLISTED_GPU_HOUR = 200_000L;
    static final long CPU_DEVICE_HOUR = 50_000L;

    private PriceTable() {}

    /** The price of one device for one hour under this request. */
    public static Money pricePerDeviceHour(ClusterRequest request) {
        if (request.kind() == DeviceKind.CPU) {
            return Money.usd(CPU_DEVICE_HOUR);
        }
        return Money.usd(Math.multiplyExact(gpuHour(request.gpuModel()), (long) request.gpusPerDevice()));
    }

    private static long gpuHour(GpuModel model) {
        return GPU_HOUR_MICROS.getOrDefault(model.name(), UNLISTED_GPU_HOUR);
    }
}

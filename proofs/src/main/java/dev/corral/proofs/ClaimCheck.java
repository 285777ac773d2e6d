package dev.corral.proofs;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * Where what a device measures contradicts what it claims to be: readings for a different
 * number of GPUs, more memory in use than the claimed GPU or host has, power above the
 * claimed card's board power by more than {@link #POWER_MARGIN_PERCENT}, or GPU readings from
 * a CPU device. Checked on every heartbeat, so a device that stops contradicting itself heals.
 */
public final class ClaimCheck {
    /** Boost clocks and sensor error let a card briefly exceed its board power by this much. */
    public static final int POWER_MARGIN_PERCENT = 10;

    private ClaimCheck() {}

    public static List<String> contradictions(HardwareSpec claim, Telemetry telemetry) {
        List<String> found = new ArrayList<>();
        if (telemetry == null) {
            return found;
        }
        if (telemetry.memoryUsedMb() > claim.memoryMb() && claim.memoryMb() > 0) {
            found.add("uses " + telemetry.memoryUsedMb() + " MB of memory but claims " + claim.memoryMb() + " MB");
        }
        List<Telemetry.GpuReading> gpus = telemetry.gpus();
        if (claim.kind() == DeviceKind.CPU) {
            if (!gpus.isEmpty()) {
                found.add("claims to be a CPU device but reports " + gpus.size() + " GPU readings");
            }
            return found;
        }
        if (gpus.size() != claim.gpuCount()) {
            found.add("claims " + claim.gpuCount() + " GPUs but reports readings for " + gpus.size());
        }
        long vramMaxMb = gpus.stream().mapToLong(Telemetry.GpuReading::memoryUsedMb).max().orElse(0);
        if (vramMaxMb > claim.vramMbPerGpu()) {
            found.add("a GPU uses " + vramMaxMb + " MB but the claim is " + claim.vramMbPerGpu() + " MB per GPU");
        }
        HardwareCatalog.gpu(claim.model()).ifPresent(card -> {
            double powerMax = gpus.stream().mapToDouble(Telemetry.GpuReading::powerW).max().orElse(0);
            if (powerMax > card.powerW() * (100 + POWER_MARGIN_PERCENT) / 100.0) {
                found.add(String.format("a GPU draws %.0f W, more than a %s's %d W board power allows", powerMax,
                        card.model(), card.powerW()));
            }
        });
        return found;
    }
}

package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimCheckTest {
    private static final HardwareSpec EIGHT_H100 = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559,
            "550.54", "EPYC", 128, 2_000_000);
    private static final Telemetry.GpuReading BUSY = new Telemetry.GpuReading(90, 70, 650, 70_000);

    @Test
    void consistentReadingsContradictNothing() {
        assertThat(ClaimCheck.contradictions(EIGHT_H100, new Telemetry(50, 100_000, Collections.nCopies(8, BUSY))))
                .isEmpty();
        assertThat(ClaimCheck.contradictions(EIGHT_H100, null)).isEmpty();
    }

    @Test
    void eachContradictionIsNamed() {
        assertThat(ClaimCheck.contradictions(EIGHT_H100, new Telemetry(50, 100_000, Collections.nCopies(4, BUSY))))
                .containsExactly("claims 8 GPUs but reports readings for 4");
        assertThat(ClaimCheck.contradictions(EIGHT_H100, new Telemetry(50, 3_000_000, List.of(
                new Telemetry.GpuReading(90, 70, 900, 90_000), BUSY, BUSY, BUSY, BUSY, BUSY, BUSY, BUSY))))
                .containsExactly("uses 3000000 MB of memory but claims 2000000 MB",
                        "a GPU uses 90000 MB but the claim is 81559 MB per GPU",
                        "a GPU draws 900 W, more than a H100's 700 W board power allows");
        // An SXM module's draw from a card that claims to be the H100's 350 W PCIe part.
        HardwareSpec pcie = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 PCIe", 1, 81_559, "550.54", "EPYC", 32,
                256_000);
        assertThat(ClaimCheck.contradictions(pcie, new Telemetry(50, 100_000, List.of(BUSY))))
                .containsExactly("a GPU draws 650 W, more than a H100 PCIE's 350 W board power allows");
        HardwareSpec cpu = new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, "EPYC", 16, 64_000);
        assertThat(ClaimCheck.contradictions(cpu, new Telemetry(5, 1_000, List.of(BUSY))))
                .containsExactly("claims to be a CPU device but reports 1 GPU readings");
    }
}

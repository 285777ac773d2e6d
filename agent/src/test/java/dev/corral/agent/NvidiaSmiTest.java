package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * No GPU is lent to this project's test machines, so these parse samples written in the
 * exact format nvidia-smi prints for the agent's queries (CSV, no header, no units), with
 * the H100's name, memory and driver as nvidia-smi reported them on the workplace's H100 machine.
 */
class NvidiaSmiTest {
    @Test
    void parsesAnInventorySampleOfEightH100sNoGpuHere() {
        String sample = "NVIDIA H100 80GB HBM3, 81559, 580.159.04\n".repeat(8);
        var gpus = NvidiaSmi.parseInventory(sample);
        assertThat(gpus).hasSize(8);
        assertThat(gpus.getFirst()).isEqualTo(new NvidiaSmi.Gpu("NVIDIA H100 80GB HBM3", 81559, "580.159.04"));
    }

    @Test
    void parsesReadingsSampleWithUnavailableFieldsAsZeroNoGpuHere() {
        var readings = NvidiaSmi.parseReadings("87, 64, 512.34, 40123\n0, 31, [N/A], 0\n");
        assertThat(readings).containsExactly(new NvidiaSmi.Reading(87, 64, 512.34, 40123),
                new NvidiaSmi.Reading(0, 31, 0, 0));
    }

    @Test
    void refusesOutputOfAnotherShape() {
        assertThatThrownBy(() -> NvidiaSmi.parseInventory("NVIDIA H100, 81559\n"))
                .hasMessageContaining("expected 3");
    }
}

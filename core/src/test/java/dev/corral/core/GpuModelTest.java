package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GpuModelTest {
    @Test
    void mapsNvidiaSmiNamesAndUserSpellingsToOneCanonicalModel() {
        assertThat(GpuModel.parse("NVIDIA H100 80GB HBM3").name()).isEqualTo("H100");
        assertThat(GpuModel.parse("h100").name()).isEqualTo("H100");
        assertThat(GpuModel.parse("NVIDIA H200").name()).isEqualTo("H200");
        assertThat(GpuModel.parse("NVIDIA GeForce RTX 4090").name()).isEqualTo("RTX 4090");
        assertThat(GpuModel.parse("rtx 4090").name()).isEqualTo("RTX 4090");
        assertThat(GpuModel.parse("NVIDIA A100-SXM4-80GB").name()).isEqualTo("A100 80GB");
        assertThat(GpuModel.parse("Tesla T4").name()).isEqualTo("T4");
        assertThat(GpuModel.parse("NVIDIA A100 80GB PCIe").name()).isEqualTo("A100 80GB");
        assertThat(GpuModel.parse("NVIDIA A100-SXM4-40GB").name()).isEqualTo("A100");
        assertThat(GpuModel.parse("NVIDIA A100-PCIE-40GB").name()).isEqualTo("A100");
        assertThat(GpuModel.parse("RTX_4090").name()).isEqualTo("RTX 4090");
    }

    @Test
    void theHopperPartsKeepTheirFormFactorAsNvidiaSmiNamesThem() {
        assertThat(GpuModel.parse("NVIDIA H100 PCIe").name()).isEqualTo("H100 PCIE");
        assertThat(GpuModel.parse("NVIDIA H100 NVL").name()).isEqualTo("H100 NVL");
        assertThat(GpuModel.parse("NVIDIA H200 NVL").name()).isEqualTo("H200 NVL");
        assertThat(GpuModel.parse("H100 SXM").name()).isEqualTo("H100");
        assertThat(GpuModel.parse("NVIDIA H100 SXM5 80GB").name()).isEqualTo("H100");
        assertThat(GpuModel.parse("h100_pcie").name()).isEqualTo("H100 PCIE");
        assertThat(GpuModel.parse("H100 PCIE")).isEqualTo(GpuModel.parse(GpuModel.parse("H100 PCIE").name()));
    }

    @Test
    void refusesEmptyAndOddNames() {
        assertThatThrownBy(() -> GpuModel.parse("   ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GpuModel.parse("H100; DROP TABLE")).isInstanceOf(IllegalArgumentException.class);
    }
}

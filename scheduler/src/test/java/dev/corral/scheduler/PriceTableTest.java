package dev.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.api.DeployRequest;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    @Test
    void theBaseIsTheModelsRateTimesGpusPerDevice() {
        ClusterRequest h100 = new ClusterRequest(DeviceKind.GPU, GpuModel.parse("H100"), 8, 4, 10, null);
        assertThat(PriceTable.pricePerDeviceHour(h100).minor()).isEqualTo(8 * 1_990_000L);
    }

    @Test
    void unlistedModelsAndCpuDevicesHaveTheirOwnRates() {
        assertThat(PriceTable.pricePerDeviceHour(new ClusterRequest(DeviceKind.GPU, GpuModel.parse("GTX 1080"), 1, 1, 1,
                null)).minor()).isEqualTo(PriceTable.UNLISTED_GPU_HOUR);
        assertThat(PriceTable.pricePerDeviceHour(new ClusterRequest(DeviceKind.CPU, null, 0, 1, 1, null)).minor())
                .isEqualTo(PriceTable.CPU_DEVICE_HOUR);
    }

    @Test
    void requestsOutsideTheLimitsAreRefusedWithTheLimitNamed() {
        assertThatThrownBy(() -> new ClusterRequest(DeviceKind.CPU, null, 0, 0, 1, null)).hasMessageContaining("count");
        assertThatThrownBy(() -> new ClusterRequest(DeviceKind.CPU, null, 0, 1, DeployRequest.HOURS_MAX + 1, null))
                .hasMessageContaining("hours");
        assertThatThrownBy(() -> new ClusterRequest(DeviceKind.GPU, GpuModel.parse("H100"), 0, 1, 1, null))
                .hasMessageContaining("gpusPerDevice");
    }
}

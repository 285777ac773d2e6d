package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareSpec;
import dev.corral.core.api.DeployRequest;

/**
 * What a customer asks for, validated: a GPU model and GPUs per device (or a CPU device),
 * how many devices, how many hours, and optionally a region.
 */
public record ClusterRequest(DeviceKind kind, GpuModel gpuModel, int gpusPerDevice, int count, int hours,
        String region) {
    public ClusterRequest {
        requireNonNull(kind, "kind is null");
        if (kind == DeviceKind.GPU) {
            requireNonNull(gpuModel, "a GPU cluster needs a GPU model");
            if (gpusPerDevice < 1 || gpusPerDevice > HardwareSpec.GPU_COUNT_MAX) {
                throw new IllegalArgumentException(
                        "gpusPerDevice must be 1.." + HardwareSpec.GPU_COUNT_MAX);
            }
        } else if (gpuModel != null || gpusPerDevice != 0) {
            throw new IllegalArgumentException("a CPU cluster takes no GPU model");
        }
        if (count < 1 || count > DeployRequest.COUNT_MAX) {
            throw new IllegalArgumentException("count must be 1.." + DeployRequest.COUNT_MAX + " devices");
        }
        if (hours < 1 || hours > DeployRequest.HOURS_MAX) {
            throw new IllegalArgumentException("hours must be 1.." + DeployRequest.HOURS_MAX);
        }
        if (region != null && (region.isBlank() || region.length() > DeployRequest.REGION_LENGTH_MAX)) {
            throw new IllegalArgumentException("region must be 1.." + DeployRequest.REGION_LENGTH_MAX + " characters");
        }
    }
}

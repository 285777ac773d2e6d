package dev.corral.server;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.scheduler.HardwareCatalog;
import dev.corral.scheduler.OfferQuery;
import dev.corral.store.DeviceRow;

/** A device's values as offer queries name them, for offer search and for deploy constraints alike. */
final class DeviceFields {
    private DeviceFields() {}

    static Object value(DeviceRow device, OfferQuery.Field field) {
        GpuModel model = device.hardware().model();
        return switch (field) {
            case GPU -> model == null ? null : model.name();
            case GPUS -> device.hardware().gpuCount();
            case VRAM -> device.hardware().kind() == DeviceKind.GPU ? device.hardware().vramMbPerGpu() / 1024.0 : null;
            case FP16 -> HardwareCatalog.gpu(model).map(HardwareCatalog.Gpu::fp16Tflops).orElse(null);
            case KIND -> device.hardware().kind().name();
            case REGION -> device.region();
            case CPU_CORES -> device.hardware().cpuCores();
            case PRICE -> device.minPricePerHourMicros() / 1e6;
        };
    }

    static boolean meets(DeviceRow device, OfferQuery query) {
        return query.matches(field -> value(device, field));
    }
}

package dev.corral.core.api;

/** A price for a cluster before paying: per device-hour, in total, and how many matching devices are idle now. */
public record QuoteView(
        String kind, String gpuModel, int gpusPerDevice, int count, int hours,
        Amount pricePerDeviceHour, Amount total, int devicesAvailable) {}

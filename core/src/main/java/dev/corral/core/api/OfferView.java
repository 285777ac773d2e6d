package dev.corral.core.api;

/** Idle devices of one kind, model, GPU count and region: how many are available now and at what price. */
public record OfferView(String kind, String gpuModel, int gpusPerDevice, String region, int available,
        Amount pricePerDeviceHour, Integer vramGb, Double fp16Tflops) {}

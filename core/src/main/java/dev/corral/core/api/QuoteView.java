package dev.corral.core.api;

import java.time.Instant;

/**
 * A price for a cluster before paying: per device-hour, in total, how many matching devices
 * are idle now, and how the price was made. A deploy of the same request that names the
 * quote id before expiresAt pays this price.
 */
public record QuoteView(
        String quoteId, Instant expiresAt,
        String kind, String gpuModel, int gpusPerDevice, int count, int hours,
        Amount pricePerDeviceHour, Amount total, int devicesAvailable, Breakdown breakdown) {

    /** The price oracle's factors: price = base x utilisation x tiers x (1 - duration) x (1 - customer). */
    public record Breakdown(Amount basePerDeviceHour, double utilisation, double utilisationMultiplier,
            double tierMultiplier, double durationDiscountPercent, String customerTier, double customerDiscountPercent) {}
}

package dev.corral.core.api;

/**
 * What an owner may change on its device; a null field stays as it is. Country is an ISO
 * 3166 two-letter code; supplierType is datacenter, miner or individual.
 */
public record DeviceUpdate(String name, String minPricePerHour, Integer rewardSplitIoPercent, String country,
        String supplierType) {
    public DeviceUpdate(String name, String minPricePerHour, Integer rewardSplitIoPercent) {
        this(name, minPricePerHour, rewardSplitIoPercent, null, null);
    }
}

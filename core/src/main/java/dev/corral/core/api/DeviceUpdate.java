package dev.corral.core.api;

/** What an owner may change on its device; a null field stays as it is. */
public record DeviceUpdate(String name, String minPricePerHour, Integer rewardSplitIoPercent) {}

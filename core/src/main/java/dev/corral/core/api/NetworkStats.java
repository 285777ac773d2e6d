package dev.corral.core.api;

import java.util.List;
import java.util.Map;

/**
 * Public figures: devices online by model and by country, clusters by state with the device-hours
 * they held (whole hours, from running to their end or now), and the ledger's sums per currency. A device online is idle (verified, not blocked, free), hired (in a
 * cluster), or neither (not yet verified, or blocked): {@code devicesHired} counts the last two.
 */
public record NetworkStats(
        int devicesOnline,
        int devicesIdle,
        int devicesHired,
        Map<String, Integer> devicesOnlineByModel,
        List<ModelCount> models,
        Map<String, Integer> devicesOnlineByCountry,
        Map<String, Integer> clustersByState,
        Map<String, Long> computeHoursByState,
        List<LedgerTotal> ledger,
        TokenSupply token) {

    /** One model's devices online ("CPU" for devices without a proven GPU): idle, in a cluster, and in all. */
    public record ModelCount(String model, int online, int idle, int hired) {}

    /** The IO token in base units (9 decimals): genesis, minted in all (genesis included), burned, in existence, cap. */
    public record TokenSupply(long genesisBaseUnits, long mintedBaseUnits, long burnedBaseUnits, long supplyBaseUnits,
            long capBaseUnits) {}

    /**
     * One currency: the sum of every balance (zero in a sound ledger), what came in from
     * outside, what the network fee account holds, and how many transfers there were.
     */
    public record LedgerTotal(String currency, long balanceSumMinor, long fundedFromOutsideMinor, long networkFeesMinor,
            long transfers) {}
}

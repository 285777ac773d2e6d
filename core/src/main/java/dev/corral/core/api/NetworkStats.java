package dev.corral.core.api;

import java.util.List;
import java.util.Map;

/** Public figures: devices online by model, clusters by state, and the ledger's sums per currency. */
public record NetworkStats(
        int devicesOnline,
        int devicesIdle,
        int devicesHired,
        Map<String, Integer> devicesOnlineByModel,
        Map<String, Integer> clustersByState,
        List<LedgerTotal> ledger,
        TokenSupply token) {

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

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
        List<LedgerTotal> ledger) {

    /** Sum of every balance in one currency (zero in a sound ledger), what came in from outside, and transfer count. */
    public record LedgerTotal(String currency, long balanceSumMinor, long fundedFromOutsideMinor, long transfers) {}
}

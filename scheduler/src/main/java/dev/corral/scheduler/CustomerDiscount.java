package dev.corral.scheduler;

import java.util.List;

/**
 * A customer's discount from its history: clusters it ran to their end (completed or run
 * out, each paid from escrow before it started) earn named tiers.
 */
public final class CustomerDiscount {
    /** From this many clusters run to their end on, this discount. */
    public record Tier(String name, int clustersMin, int basisPoints) {}

    public static final List<Tier> TIERS = List.of(new Tier("new", 0, 0), new Tier("regular", 10, 200),
            new Tier("trusted", 100, 500), new Tier("partner", 1_000, 800));

    private CustomerDiscount() {}

    public static Tier tier(long clustersRunToEnd) {
        Tier tier = TIERS.getFirst();
        for (Tier candidate : TIERS) {
            if (clustersRunToEnd >= candidate.clustersMin()) {
                tier = candidate;
            }
        }
        return tier;
    }
}

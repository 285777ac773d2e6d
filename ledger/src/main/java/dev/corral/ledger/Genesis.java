package dev.corral.ledger;

import java.util.List;

/**
 * The 500,000,000 IO minted at genesis and who holds them, as PRODUCT.md splits them. Each
 * share is a system account; the shares add up to the genesis supply exactly.
 */
public final class Genesis {
    /** One holder of genesis IO and its share in basis points. */
    public record Allocation(String bucket, int basisPoints) {
        public long baseUnits() {
            return EmissionSchedule.GENESIS_SUPPLY / Settlement.BASIS_POINTS * basisPoints;
        }

        public String account() {
            return LedgerAccounts.genesis(bucket);
        }
    }

    public static final List<Allocation> ALLOCATIONS = List.of(
            new Allocation("seed-investors", 1_250),
            new Allocation("series-a", 1_020),
            new Allocation("core-contributors", 1_130),
            new Allocation("research-ecosystem", 1_600),
            new Allocation("community", 5_000));

    static {
        long total = ALLOCATIONS.stream().mapToLong(Allocation::baseUnits).sum();
        if (total != EmissionSchedule.GENESIS_SUPPLY) {
            throw new IllegalStateException("genesis allocations add up to " + total);
        }
    }

    private Genesis() {}
}

package dev.corral.scheduler;

import java.util.List;

/**
 * A customer's reputation and discount from its history. Clusters it ran to their end
 * (completed or run out, each paid from escrow before it started) count for it; abuse
 * reports (the operator found its workload breaking the rules) and disputes it lost (a
 * charge it contested that was upheld) count against it. Reputation is
 * (runToEnd + 1) / (runToEnd + 2 + {@link #ABUSE_WEIGHT} x abuse + {@link #DISPUTE_WEIGHT} x
 * disputes), so a new customer stands at 0.5. The clusters run to the end earn named tiers,
 * but a customer whose reputation falls under {@link #REPUTATION_MIN} gets no discount.
 */
public final class CustomerDiscount {
    /** One abuse report outweighs this many clusters run to their end. */
    public static final int ABUSE_WEIGHT = 20;
    /** One dispute lost outweighs this many. */
    public static final int DISPUTE_WEIGHT = 5;
    public static final double REPUTATION_MIN = 0.5;

    /** From this many clusters run to their end on, this discount. */
    public record Tier(String name, int clustersMin, int basisPoints) {}

    public static final List<Tier> TIERS = List.of(new Tier("new", 0, 0), new Tier("regular", 10, 200),
            new Tier("trusted", 100, 500), new Tier("partner", 1_000, 800));
    /** The tier of a customer under {@link #REPUTATION_MIN}, whatever its clusters. */
    public static final Tier REPORTED = new Tier("reported", 0, 0);

    /** What counts for and against a customer. */
    public record History(long clustersRunToEnd, long abuseReports, long disputesLost) {
        public History {
            if (clustersRunToEnd < 0 || abuseReports < 0 || disputesLost < 0) {
                throw new IllegalArgumentException("history counts are never negative");
            }
        }

        public static final History NEW = new History(0, 0, 0);
    }

    private CustomerDiscount() {}

    public static double reputation(History history) {
        double good = history.clustersRunToEnd() + 1.0;
        return good / (good + 1 + ABUSE_WEIGHT * (double) history.abuseReports()
                + DISPUTE_WEIGHT * (double) history.disputesLost());
    }

    public static Tier tier(History history) {
        if (reputation(history) < REPUTATION_MIN) {
            return REPORTED;
        }
        Tier tier = TIERS.getFirst();
        for (Tier candidate : TIERS) {
            if (history.clustersRunToEnd() >= candidate.clustersMin()) {
                tier = candidate;
            }
        }
        return tier;
    }
}

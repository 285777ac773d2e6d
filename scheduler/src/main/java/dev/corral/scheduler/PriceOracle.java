package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Money;
import java.util.List;

/**
 * The price of one device-hour for a request, from values only:
 *
 * <pre>
 * price = base x utilisation multiplier x tier multiplier x (1 - duration discount) x (1 - customer discount)
 * </pre>
 *
 * <ul>
 *   <li>base: {@link PriceTable}'s per-GPU rate (per device for CPUs) times GPUs per device;</li>
 *   <li>utilisation multiplier: {@link #UTILISATION_MULTIPLIER_MIN} + ({@link #UTILISATION_MULTIPLIER_MAX}
 *       - min) x u², u being the share of this model's online devices that are hired: an idle
 *       pool is cheaper, a nearly sold-out one dearer, always within those bounds;</li>
 *   <li>tier multiplier: 1 + {@link #SECURITY_TIER_STEP_BASIS_POINTS} per security tier and
 *       {@link #CONNECTIVITY_TIER_STEP_BASIS_POINTS} per connectivity tier the conditions demand
 *       above tier 1 ("security>=3" demands 2 tiers more);</li>
 *   <li>duration discount: the largest of {@link #DURATION_DISCOUNTS} whose hours the request reaches;</li>
 *   <li>customer discount: from the customer's standing ({@link CustomerDiscount}).</li>
 * </ul>
 *
 * Rounded to the micro-USD once, at the end. A device whose own floor is above the result is
 * never placed at it.
 */
public final class PriceOracle {
    public static final double UTILISATION_MULTIPLIER_MIN = 0.8;
    public static final double UTILISATION_MULTIPLIER_MAX = 1.5;
    public static final int SECURITY_TIER_STEP_BASIS_POINTS = 1_000;
    public static final int CONNECTIVITY_TIER_STEP_BASIS_POINTS = 500;
    private static final double BASIS_POINTS = 10_000.0;

    /** From this many hours on, this discount. */
    public record DurationDiscount(int hoursMin, int basisPoints) {}

    public static final List<DurationDiscount> DURATION_DISCOUNTS = List.of(new DurationDiscount(24, 500),
            new DurationDiscount(24 * 7, 1_000), new DurationDiscount(24 * 30, 2_000));

    /** A price and how it was made, for quotes that explain themselves. */
    public record Price(Money basePerDeviceHour, double utilisation, double utilisationMultiplier,
            double tierMultiplier, int durationDiscountBasisPoints, int customerDiscountBasisPoints,
            Money perDeviceHour) {
        /** Price x devices x hours: what escrow must hold. */
        public Money total(ClusterRequest request) {
            return perDeviceHour.times(request.count()).times(request.hours());
        }
    }

    private PriceOracle() {}

    /**
     * @param utilisation share of the model's online devices hired now, 0..1
     * @param customerDiscountBasisPoints from {@link CustomerDiscount}
     */
    public static Price price(ClusterRequest request, OfferQuery where, double utilisation,
            int customerDiscountBasisPoints) {
        requireNonNull(request, "request is null");
        requireNonNull(where, "where is null");
        if (!(utilisation >= 0 && utilisation <= 1)) {
            throw new IllegalArgumentException("utilisation is 0..1, not " + utilisation);
        }
        if (customerDiscountBasisPoints < 0 || customerDiscountBasisPoints >= BASIS_POINTS) {
            throw new IllegalArgumentException("customer discount is 0..9999 basis points");
        }
        Money base = PriceTable.pricePerDeviceHour(request);
        double utilisationMultiplier = UTILISATION_MULTIPLIER_MIN
                + (UTILISATION_MULTIPLIER_MAX - UTILISATION_MULTIPLIER_MIN) * utilisation * utilisation;
        double tierMultiplier = 1 + ((tierDemanded(where, OfferQuery.Field.SECURITY) - 1) * SECURITY_TIER_STEP_BASIS_POINTS
                + (tierDemanded(where, OfferQuery.Field.CONNECTIVITY) - 1) * CONNECTIVITY_TIER_STEP_BASIS_POINTS)
                / BASIS_POINTS;
        int duration = durationDiscount(request.hours());
        double micros = base.minor() * utilisationMultiplier * tierMultiplier * (1 - duration / BASIS_POINTS)
                * (1 - customerDiscountBasisPoints / BASIS_POINTS);
        return new Price(base, utilisation, utilisationMultiplier, tierMultiplier, duration, customerDiscountBasisPoints,
                Money.usd(Math.max(1, Math.round(micros))));
    }

    static int durationDiscount(int hours) {
        int discount = 0;
        for (DurationDiscount step : DURATION_DISCOUNTS) {
            if (hours >= step.hoursMin()) {
                discount = Math.max(discount, step.basisPoints());
            }
        }
        return discount;
    }

    /** The lowest tier a device meeting every condition on this field can have (1 when none demands more). */
    static int tierDemanded(OfferQuery where, OfferQuery.Field field) {
        int tier = PoolDevice.TIER_MIN;
        for (OfferQuery.Condition condition : where.conditions()) {
            if (condition.field() != field) {
                continue;
            }
            double value = Double.parseDouble(condition.values().getFirst());
            int least = switch (condition.op()) {
                case ">=", "=" -> (int) Math.ceil(value);
                case ">" -> (int) Math.floor(value) + 1;
                default -> PoolDevice.TIER_MIN;
            };
            tier = Math.max(tier, Math.min(PoolDevice.TIER_MAX, least));
        }
        return tier;
    }
}

package dev.corral.server.web;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * What a device may earn in a day, from the network's figures of the moment, before it joins:
 * pay for the hours it is hired (at the oracle's price, if its floor allows, less the network
 * fee), its share of the blocks' availability rewards (by its weight among the devices online),
 * and what its power costs. An estimate, not a promise: prices, utilisation and the devices
 * online all move; compute rewards (IO for compute sold) are left out.
 */
public record ProfitEstimate(BigDecimal payUsd, BigDecimal availabilityIo, BigDecimal availabilityUsd,
        BigDecimal powerUsd, BigDecimal netUsd, boolean floorAboveMarket) {
    private static final MathContext EXACT_ENOUGH = MathContext.DECIMAL64;
    private static final BigDecimal HOURS_PER_DAY = BigDecimal.valueOf(24);
    private static final BigDecimal BASIS_POINTS = BigDecimal.valueOf(10_000);
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal IO_BASE_UNITS = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal WATTS_PER_KW = BigDecimal.valueOf(1_000);

    /**
     * The figures it is made from: the market price of a device-hour and the floor the supplier
     * asks (micro-USD), the share of hours it expects to be hired (0..1), the network fee, the
     * next block's emission (IO base units), the availability share of a block, blocks a day,
     * the device's weight and that of every device online (thousandths), the IO price
     * (micro-USD per IO; 0 for none), its power draw (W) and the power price (USD per kWh).
     */
    public record Inputs(long marketMicrosPerHour, long floorMicrosPerHour, BigDecimal hiredShare, int feeBasisPoints,
            long blockEmission, int availabilityShareBasisPoints, double blocksPerDay, long deviceWeightMilli,
            long networkWeightMilli, long ioMicrosUsd, int powerW, BigDecimal usdPerKwh) {}

    public static ProfitEstimate of(Inputs in) {
        boolean floorAboveMarket = in.floorMicrosPerHour() > in.marketMicrosPerHour();
        BigDecimal pay = floorAboveMarket ? BigDecimal.ZERO : BigDecimal.valueOf(in.marketMicrosPerHour())
                .divide(MICROS, EXACT_ENOUGH).multiply(HOURS_PER_DAY).multiply(in.hiredShare())
                .multiply(BASIS_POINTS.subtract(BigDecimal.valueOf(in.feeBasisPoints())))
                .divide(BASIS_POINTS, EXACT_ENOUGH);
        BigDecimal availabilityPerDay = BigDecimal.valueOf(in.blockEmission())
                .multiply(BigDecimal.valueOf(in.availabilityShareBasisPoints())).divide(BASIS_POINTS, EXACT_ENOUGH)
                .multiply(BigDecimal.valueOf(in.blocksPerDay())).divide(IO_BASE_UNITS, EXACT_ENOUGH);
        // Joining adds the device's own weight to the network's.
        BigDecimal share = BigDecimal.valueOf(in.deviceWeightMilli()).divide(
                BigDecimal.valueOf(in.networkWeightMilli() + in.deviceWeightMilli()), EXACT_ENOUGH);
        BigDecimal io = availabilityPerDay.multiply(share);
        BigDecimal ioUsd = io.multiply(BigDecimal.valueOf(in.ioMicrosUsd())).divide(MICROS, EXACT_ENOUGH);
        BigDecimal power = BigDecimal.valueOf(in.powerW()).multiply(HOURS_PER_DAY).divide(WATTS_PER_KW, EXACT_ENOUGH)
                .multiply(in.usdPerKwh());
        return new ProfitEstimate(cents(pay), io.setScale(2, RoundingMode.DOWN), cents(ioUsd), cents(power),
                cents(pay.add(ioUsd).subtract(power)), floorAboveMarket);
    }

    private static BigDecimal cents(BigDecimal usd) {
        return usd.setScale(2, RoundingMode.HALF_EVEN);
    }
}

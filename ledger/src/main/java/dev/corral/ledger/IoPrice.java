package dev.corral.ledger;

import java.math.BigInteger;

/**
 * Conversions at an IO/USD price given as micro-USD per whole IO. Both directions round
 * down, so a conversion never creates value out of rounding.
 */
public final class IoPrice {
    private static final BigInteger BASE_UNITS_PER_IO = BigInteger.valueOf(EmissionSchedule.BASE_UNITS_PER_IO);

    private IoPrice() {}

    /** The micro-USD (or micro-IOSD) value of an amount of IO base units. */
    public static long microsFor(long ioBaseUnits, long microsPerIo) {
        return BigInteger.valueOf(ioBaseUnits).multiply(BigInteger.valueOf(microsPerIo)).divide(BASE_UNITS_PER_IO)
                .longValueExact();
    }

    /** The IO base units that a micro-USD amount buys. */
    public static long ioFor(long micros, long microsPerIo) {
        if (microsPerIo <= 0) {
            throw new IllegalArgumentException("price must be positive");
        }
        return BigInteger.valueOf(micros).multiply(BASE_UNITS_PER_IO).divide(BigInteger.valueOf(microsPerIo))
                .longValueExact();
    }
}

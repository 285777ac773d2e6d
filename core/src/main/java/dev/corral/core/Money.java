package dev.corral.core;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/** An exact amount of one currency, in integer minor units (micro-USD for USD). */
public record Money(long minor, Currency currency) implements Comparable<Money> {
    /** The largest amount a user may name in one request: one billion units. */
    public static final long UNITS_PER_REQUEST_MAX = 1_000_000_000L;
    /** The most characters an amount's text may have: checked before anything is parsed. */
    public static final int TEXT_LENGTH_MAX = 40;
    /** ASCII digits, an optional fraction, an optional short exponent: what a person or a program writes. */
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?");

    public Money {
        requireNonNull(currency, "currency is null");
    }

    public static Money zero(Currency currency) {
        return new Money(0, currency);
    }

    public static Money usd(long micros) {
        return new Money(micros, Currency.USD);
    }

    /**
     * Parses a decimal amount a user typed ("12.5"). Refuses negatives, more decimals than
     * the currency has, and amounts over {@link #UNITS_PER_REQUEST_MAX} units.
     */
    public static Money parse(String text, Currency currency) {
        return parse("amount", text, currency);
    }

    /**
     * The same, for the request field {@code field}, which every refusal names. The text's length
     * and its characters (ASCII digits only: no other script's digits) are checked before it is
     * read as a number, so a huge one costs nothing and is not echoed back.
     */
    public static Money parse(String field, String text, Currency currency) {
        requireNonNull(currency, "currency is null");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        String trimmed = text.strip();
        if (trimmed.length() > TEXT_LENGTH_MAX) {
            throw new IllegalArgumentException(field + " has more than " + TEXT_LENGTH_MAX + " characters");
        }
        if (!DECIMAL.matcher(trimmed).matches()) {
            throw new IllegalArgumentException(field + " is not a number of ASCII digits (such as 12.50): " + trimmed);
        }
        return of(field, new BigDecimal(trimmed), currency);
    }

    public static Money of(BigDecimal value, Currency currency) {
        return of("amount", value, currency);
    }

    private static Money of(String field, BigDecimal value, Currency currency) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value.toPlainString());
        }
        if (value.compareTo(BigDecimal.valueOf(UNITS_PER_REQUEST_MAX)) > 0) {
            throw new IllegalArgumentException(field + " is over the limit of " + UNITS_PER_REQUEST_MAX + " " + currency);
        }
        if (value.stripTrailingZeros().scale() > currency.decimals()) {
            throw new IllegalArgumentException(
                    field + " has more than " + currency.decimals() + " decimals: " + value.toPlainString());
        }
        return new Money(value.movePointRight(currency.decimals()).longValueExact(), currency);
    }

    public Money plus(Money other) {
        sameCurrency(other);
        return new Money(Math.addExact(minor, other.minor), currency);
    }

    public Money minus(Money other) {
        sameCurrency(other);
        return new Money(Math.subtractExact(minor, other.minor), currency);
    }

    public Money times(long factor) {
        return new Money(Math.multiplyExact(minor, factor), currency);
    }

    public BigDecimal toDecimal() {
        return BigDecimal.valueOf(minor, currency.decimals());
    }

    /** "12.500000 USD" trimmed to two decimals at least: "12.50 USD". */
    @Override
    public String toString() {
        BigDecimal value = toDecimal().stripTrailingZeros();
        if (value.scale() < 2) {
            value = value.setScale(2, RoundingMode.UNNECESSARY);
        }
        return value.toPlainString() + " " + currency;
    }

    @Override
    public int compareTo(Money other) {
        sameCurrency(other);
        return Long.compare(minor, other.minor);
    }

    private void sameCurrency(Money other) {
        if (other.currency != currency) {
            throw new IllegalArgumentException("currency mismatch: " + currency + " and " + other.currency);
        }
    }
}

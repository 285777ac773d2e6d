package dev.corral.cli;

import dev.corral.core.api.Amount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** How amounts and sizes look on a terminal. */
final class Format {
    private Format() {}

    /** "12.50 USD": the currency after, exact to the micro-unit when needed. */
    static String amount(Amount amount) {
        BigDecimal value = new BigDecimal(amount.amount()).stripTrailingZeros();
        if (value.scale() < 2) {
            value = value.setScale(2, RoundingMode.UNNECESSARY);
        }
        return value.toPlainString() + " " + amount.currency();
    }

    /** Bytes in decimal units with one decimal: "812 B", "3.4 kB", "1.2 GB". */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}

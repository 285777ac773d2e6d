package dev.corral.cli;

import dev.corral.core.api.Amount;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** How amounts look on a terminal: "$12.50" style with the currency, exact to the micro-unit when needed. */
final class Format {
    private Format() {}

    static String amount(Amount amount) {
        BigDecimal value = new BigDecimal(amount.amount()).stripTrailingZeros();
        if (value.scale() < 2) {
            value = value.setScale(2, RoundingMode.UNNECESSARY);
        }
        return value.toPlainString() + " " + amount.currency();
    }
}

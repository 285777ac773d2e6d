package dev.corral.core.api;

import dev.corral.core.Money;

/** An amount as the API shows it: exact decimal text, currency, and the integer minor units. */
public record Amount(String amount, String currency, long minor) {
    public static Amount of(Money money) {
        return new Amount(money.toDecimal().toPlainString(), money.currency().name(), money.minor());
    }
}

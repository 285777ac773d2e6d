package dev.corral.core;

/**
 * A currency of the ledger and the number of decimals of its minor unit. USD is
 * counted in micro-dollars; the IO token (9 decimals) and IOSD (6) join here.
 */
public enum Currency {
    USD(6);

    private final int decimals;

    Currency(int decimals) {
        this.decimals = decimals;
    }

    public int decimals() {
        return decimals;
    }
}

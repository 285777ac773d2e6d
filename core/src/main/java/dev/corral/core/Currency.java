package dev.corral.core;

/**
 * A currency of the ledger and the number of decimals of its minor unit: USD in
 * micro-dollars, the IO network token in nano-IO, and IOSD (pegged 1:1 to USD) in micro-IOSD.
 */
public enum Currency {
    USD(6),
    IO(9),
    IOSD(6);

    private final int decimals;

    Currency(int decimals) {
        this.decimals = decimals;
    }

    public int decimals() {
        return decimals;
    }
}

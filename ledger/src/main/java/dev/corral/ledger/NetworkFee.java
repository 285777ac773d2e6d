package dev.corral.ledger;

/** The network's share of every compute payment: 5%, as PRODUCT.md fixes it. */
public final class NetworkFee {
    public static final int BASIS_POINTS = 500;

    private NetworkFee() {}
}

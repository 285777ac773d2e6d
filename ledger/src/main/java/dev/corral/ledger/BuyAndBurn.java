package dev.corral.ledger;

/**
 * The supplier's reward split: of a net payment, the chosen percentage buys IO from the
 * market maker at the oracle price and that IO is burned; the rest is paid out as is. The
 * supplier's compute points are the whole net payment either way.
 */
public final class BuyAndBurn {
    /** A price of zero: no oracle price is known. */
    public static final long NO_PRICE = 0;

    /** What is paid out, what buys IO, and the IO base units burned. */
    public record Split(long paid, long boughtWith, long ioBurned) {}

    private BuyAndBurn() {}

    /**
     * Splits a net payment. When there is no price, the share buys no whole base unit, or the
     * market maker holds too little IO, nothing is bought and everything is paid out.
     */
    public static Split split(long net, int ioPercent, long microsPerIo, long marketMakerIo) {
        if (ioPercent < 0 || ioPercent > 100) {
            throw new IllegalArgumentException("IO share must be 0..100%");
        }
        long share = Math.multiplyExact(net, (long) ioPercent) / 100;
        if (share == 0 || microsPerIo == NO_PRICE) {
            return new Split(net, 0, 0);
        }
        long io = IoPrice.ioFor(share, microsPerIo);
        if (io == 0 || io > marketMakerIo) {
            return new Split(net, 0, 0);
        }
        return new Split(net - share, share, io);
    }
}

package dev.corral.ledger;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a cluster's escrow is split when it ends: each device's supplier is paid for the
 * seconds it served at the cluster's price, the network keeps its fee out of that payment,
 * and what is left goes back to the customer. Pure: values in, values out.
 */
public final class Settlement {
    public static final long SECONDS_PER_HOUR = 3600;
    public static final int BASIS_POINTS = 10_000;

    private Settlement() {}

    /** Seconds one device served a cluster, and whom to pay for them. */
    public record Service(DeviceId device, AccountId supplier, long servedSeconds) {
        public Service {
            requireNonNull(device, "device is null");
            requireNonNull(supplier, "supplier is null");
            if (servedSeconds < 0) {
                throw new IllegalArgumentException("served seconds must not be negative: " + servedSeconds);
            }
        }
    }

    /** One supplier payment: gross earned, the fee taken from it, and what the supplier receives. */
    public record Payout(DeviceId device, AccountId supplier, Money gross, Money fee, Money net) {}

    /** The full split; the amounts add up to the escrow exactly. */
    public record Plan(List<Payout> payouts, Money feeTotal, Money refund, Money charged) {
        /** The transfers when every supplier takes its pay in the escrow's currency. */
        public List<Transfer> transfers(ClusterId cluster, AccountId customer) {
            return transfers(cluster, customer, Map.of(), BuyAndBurn.NO_PRICE, 0);
        }

        /**
         * The transfers with each device's IO share bought from the market maker at the price
         * (micro-USD per IO) and burned. Without a price, or when the market maker holds too little
         * IO, the whole pay is paid in the escrow's currency: settlement never waits on the market.
         */
        public List<Transfer> transfers(ClusterId cluster, AccountId customer, Map<DeviceId, Integer> ioPercent,
                long microsPerIo, long marketMakerIo) {
            String escrow = LedgerAccounts.escrow(cluster, refund.currency());
            String prefix = "settle:" + cluster.value() + ":";
            List<Transfer> transfers = new ArrayList<>();
            long inventory = marketMakerIo;
            for (Payout payout : payouts) {
                BuyAndBurn.Split split = BuyAndBurn.split(payout.net().minor(), ioPercent.getOrDefault(payout.device(), 0),
                        microsPerIo, inventory);
                inventory -= split.ioBurned();
                String wallet = LedgerAccounts.user(payout.supplier(), refund.currency());
                if (split.paid() > 0) {
                    transfers.add(new Transfer(prefix + "pay:" + payout.device().value(), escrow, wallet,
                            new Money(split.paid(), refund.currency()), TransferKind.SUPPLIER_PAYMENT, cluster.value()));
                }
                if (split.ioBurned() > 0) {
                    transfers.add(new Transfer(prefix + "buy:" + payout.device().value(), escrow,
                            LedgerAccounts.marketMaker(refund.currency()), new Money(split.boughtWith(), refund.currency()),
                            TransferKind.BUYBACK, cluster.value()));
                    transfers.add(new Transfer(prefix + "burn:" + payout.device().value(),
                            LedgerAccounts.marketMaker(Currency.IO), LedgerAccounts.burn(Currency.IO),
                            new Money(split.ioBurned(), Currency.IO), TransferKind.BURN, cluster.value()));
                }
            }
            if (feeTotal.minor() > 0) {
                transfers.add(new Transfer(prefix + "fee", escrow, LedgerAccounts.networkFee(refund.currency()),
                        feeTotal, TransferKind.NETWORK_FEE, cluster.value()));
            }
            if (refund.minor() > 0) {
                transfers.add(new Transfer(prefix + "refund", escrow, LedgerAccounts.user(customer, refund.currency()),
                        refund, TransferKind.REFUND, cluster.value()));
            }
            return transfers;
        }
    }

    /**
     * Splits the escrow. Each device is paid floor(price x seconds / 3600) minor units, the
     * fee is floor(gross x feeBasisPoints / 10000) of that; rounding favours the customer.
     */
    public static Plan plan(Money escrow, Money pricePerDeviceHour, List<Service> services, int feeBasisPoints) {
        requireNonNull(escrow, "escrow is null");
        requireNonNull(pricePerDeviceHour, "pricePerDeviceHour is null");
        if (feeBasisPoints < 0 || feeBasisPoints > BASIS_POINTS) {
            throw new IllegalArgumentException("fee must be 0.." + BASIS_POINTS + " basis points");
        }
        Money zero = Money.zero(escrow.currency());
        Money charged = zero;
        Money feeTotal = zero;
        List<Payout> payouts = new ArrayList<>();
        for (Service service : services) {
            Money gross = new Money(
                    Math.multiplyExact(pricePerDeviceHour.minor(), service.servedSeconds()) / SECONDS_PER_HOUR,
                    escrow.currency());
            Money fee = new Money(Math.multiplyExact(gross.minor(), (long) feeBasisPoints) / BASIS_POINTS,
                    escrow.currency());
            payouts.add(new Payout(service.device(), service.supplier(), gross, fee, gross.minus(fee)));
            charged = charged.plus(gross);
            feeTotal = feeTotal.plus(fee);
        }
        if (charged.compareTo(escrow) > 0) {
            throw new IllegalStateException("served time costs " + charged + " but escrow holds only " + escrow);
        }
        Money refund = escrow.minus(charged);
        Money paidOut = payouts.stream().map(Payout::net).reduce(zero, Money::plus);
        assert paidOut.plus(feeTotal).plus(refund).equals(escrow) : "settlement does not add up to the escrow";
        return new Plan(List.copyOf(payouts), feeTotal, refund, charged);
    }
}

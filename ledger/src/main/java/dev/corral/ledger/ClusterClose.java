package dev.corral.ledger;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the end of a cluster does to the money: each rank is paid for the seconds it served
 * (up to its loss, or the cluster's end) at the cluster's price, the network keeps its fee,
 * each supplier's IO share buys IO from the market maker and burns it, referrers get their
 * share of the fees, the rest goes back to the customer, and every supplier earns compute
 * points worth its net pay. Pure: the closing transaction reads the inputs and applies the plan.
 */
public final class ClusterClose {
    private ClusterClose() {}

    /**
     * One stretch a device served a rank of the cluster: whom the device pays, when it started
     * the rank (null if it never did: nothing served; a start before the cluster ran counts from
     * then) and when its service ended (its loss, or the cluster's end; null if unknown: nothing
     * served). A rank taken over after a loss has a stretch per device.
     */
    public record Rank(DeviceId device, AccountId supplier, Instant serviceStart, Instant serviceEnd) {
        public Rank {
            requireNonNull(device, "device is null");
            requireNonNull(supplier, "supplier is null");
        }

        /** A rank served from the moment the cluster ran. */
        public Rank(DeviceId device, AccountId supplier, Instant serviceEnd) {
            this(device, supplier, Instant.MIN, serviceEnd);
        }
    }

    /**
     * Everything the close depends on. {@code runningAt} is null for a cluster that never ran
     * (nothing was served); {@code microsPerIo} is {@link BuyAndBurn#NO_PRICE} without an oracle price.
     */
    public record Inputs(ClusterId cluster, AccountId customer, Money held, Money pricePerDeviceHour, int paidHours,
            Instant runningAt, List<Rank> ranks, Map<DeviceId, Integer> ioPercentByDevice, long microsPerIo,
            long marketMakerIo, Optional<Referrals.Referral> customerReferral,
            Map<AccountId, Referrals.Referral> supplierReferrals, Instant now) {
        public Inputs {
            requireNonNull(cluster, "cluster is null");
            requireNonNull(customer, "customer is null");
            requireNonNull(held, "held is null");
            requireNonNull(pricePerDeviceHour, "pricePerDeviceHour is null");
            ranks = List.copyOf(ranks);
            ioPercentByDevice = Map.copyOf(ioPercentByDevice);
            requireNonNull(customerReferral, "customerReferral is null");
            supplierReferrals = Map.copyOf(supplierReferrals);
            requireNonNull(now, "now is null");
            if (held.currency() != pricePerDeviceHour.currency()) {
                throw new IllegalArgumentException("escrow in " + held.currency() + " but priced in "
                        + pricePerDeviceHour.currency());
            }
        }
    }

    /**
     * The close: the escrow's split, its transfers (applied first: they empty the escrow), the
     * referral transfers (applied after: they are paid out of the fees just taken), and the
     * compute points of each supplier's wallet in the escrow's currency.
     */
    public record Plan(Settlement.Plan split, List<Transfer> settlement, List<Transfer> referrals,
            Map<String, Long> computePoints) {}

    public static Plan plan(Inputs in) {
        long paidSeconds = Math.multiplyExact((long) in.paidHours(), Settlement.SECONDS_PER_HOUR);
        // A device that served two stretches (lost, back, and given another lost rank) is paid once for both.
        Map<DeviceId, Settlement.Service> byDevice = new LinkedHashMap<>();
        for (Rank rank : in.ranks()) {
            long served = ServedTime.seconds(in.runningAt(), rank.serviceStart(), rank.serviceEnd(), paidSeconds);
            byDevice.merge(rank.device(), new Settlement.Service(rank.device(), rank.supplier(), served),
                    (a, b) -> new Settlement.Service(a.device(), a.supplier(), a.servedSeconds() + b.servedSeconds()));
        }
        List<Settlement.Service> services = List.copyOf(byDevice.values());
        Settlement.Plan split = Settlement.plan(in.held(), in.pricePerDeviceHour(), services, NetworkFee.BASIS_POINTS);
        List<Transfer> settlement = split.transfers(in.cluster(), in.customer(), in.ioPercentByDevice(),
                in.microsPerIo(), in.marketMakerIo());
        String escrow = LedgerAccounts.escrow(in.cluster(), in.held().currency());
        long emptied = settlement.stream().mapToLong(t -> t.debitAccount().equals(escrow) ? t.amount().minor()
                : t.creditAccount().equals(escrow) ? -t.amount().minor() : 0).sum();
        if (emptied != in.held().minor()) {
            throw new IllegalStateException("the close of " + in.cluster() + " moves " + emptied
                    + " out of an escrow holding " + in.held());
        }
        List<Transfer> referrals = Referrals.transfers(split, in.cluster(), in.customerReferral(), in.supplierReferrals(),
                in.now());
        Map<String, Long> points = new TreeMap<>();
        for (Settlement.Payout payout : split.payouts()) {
            points.merge(LedgerAccounts.user(payout.supplier(), in.held().currency()), payout.net().minor(), Long::sum);
        }
        return new Plan(split, settlement, referrals, points);
    }
}

package dev.corral.ledger;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Referral rewards, paid out of the network fee, never by the referred: for the first
 * {@link #PERIOD} after an account was created, the account that referred it receives
 * {@link #FEE_SHARE_BASIS_POINTS} of the fee that account generates, as a customer (the fee
 * of its clusters) and as a supplier (the fee taken from its pay).
 */
public final class Referrals {
    public static final int FEE_SHARE_BASIS_POINTS = 1_000;
    public static final Duration PERIOD = Duration.ofDays(180);

    /** Who referred an account, and when the referred account was created. */
    public record Referral(AccountId referrer, Instant referredAt) {
        boolean activeAt(Instant now) {
            return now.isBefore(referredAt.plus(PERIOD));
        }
    }

    private Referrals() {}

    /** The referral transfers for a settled cluster, from the network fee account. */
    public static List<Transfer> transfers(Settlement.Plan plan, ClusterId cluster, Optional<Referral> customer,
            Map<AccountId, Referral> suppliers, Instant now) {
        String fee = LedgerAccounts.networkFee(plan.feeTotal().currency());
        String prefix = "settle:" + cluster.value() + ":referral:";
        List<Transfer> transfers = new ArrayList<>();
        if (customer.isPresent() && customer.get().activeAt(now)) {
            add(transfers, prefix + "customer", fee, customer.get().referrer(), share(plan.feeTotal()), cluster);
        }
        for (Settlement.Payout payout : plan.payouts()) {
            Referral referral = suppliers.get(payout.supplier());
            if (referral != null && referral.activeAt(now)) {
                add(transfers, prefix + payout.device().value(), fee, referral.referrer(), share(payout.fee()), cluster);
            }
        }
        return transfers;
    }

    private static Money share(Money fee) {
        return new Money(Math.multiplyExact(fee.minor(), (long) FEE_SHARE_BASIS_POINTS) / Settlement.BASIS_POINTS,
                fee.currency());
    }

    private static void add(List<Transfer> transfers, String key, String fee, AccountId referrer, Money amount,
            ClusterId cluster) {
        if (amount.minor() > 0) {
            transfers.add(new Transfer(key, fee, LedgerAccounts.user(referrer, amount.currency()), amount,
                    TransferKind.REFERRAL_REWARD, cluster.value()));
        }
    }
}

package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferralsTest {
    private static final Instant JOINED = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void referrersGetATenthOfTheFeeTheirInviteesGenerateForHalfAYearOutOfTheFeeAccount() {
        AccountId supplier = AccountId.random();
        AccountId customerReferrer = AccountId.random();
        AccountId supplierReferrer = AccountId.random();
        // $20 of compute: $1.00 fee; the customer's referrer gets $0.10, the supplier's referrer $0.10.
        Settlement.Plan plan = Settlement.plan(Money.usd(30_000_000), Money.usd(20_000_000),
                List.of(new Settlement.Service(DeviceId.random(), supplier, 3_600)), NetworkFee.BASIS_POINTS);
        ClusterId cluster = ClusterId.random();

        List<Transfer> paid = Referrals.transfers(plan, cluster, Optional.of(new Referrals.Referral(customerReferrer, JOINED)),
                Map.of(supplier, new Referrals.Referral(supplierReferrer, JOINED)), JOINED.plus(Referrals.PERIOD).minusSeconds(1));

        assertThat(paid).extracting(t -> t.creditAccount() + " " + t.amount().minor()).containsExactly(
                LedgerAccounts.user(customerReferrer, plan.feeTotal().currency()) + " 100000",
                LedgerAccounts.user(supplierReferrer, plan.feeTotal().currency()) + " 100000");
        assertThat(paid).allMatch(t -> t.debitAccount().equals(LedgerAccounts.networkFee(plan.feeTotal().currency())));

        assertThat(Referrals.transfers(plan, cluster, Optional.of(new Referrals.Referral(customerReferrer, JOINED)),
                Map.of(), JOINED.plus(Referrals.PERIOD))).as("the period is over").isEmpty();
    }
}

package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The end of a cluster in money, exactly: served time, fee, buy-and-burn, referrals, refund and compute points. */
class ClusterCloseTest {
    private static final Instant RUNNING_AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant NOW = RUNNING_AT.plus(Duration.ofMinutes(30));
    private static final ClusterId CLUSTER = new ClusterId("clu_0123456789abcdef0123");
    private static final AccountId CUSTOMER = new AccountId("acc_c0000000000000000000");
    private static final AccountId SUPPLIER_A = new AccountId("acc_a0000000000000000000");
    private static final AccountId SUPPLIER_B = new AccountId("acc_b0000000000000000000");
    private static final AccountId REFERRER = new AccountId("acc_f0000000000000000000");
    private static final DeviceId DEVICE_A = new DeviceId("dev_aaaaaaaaaaaaaaaaaaaa");
    private static final DeviceId DEVICE_B = new DeviceId("dev_bbbbbbbbbbbbbbbbbbbb");
    private static final Money PRICE = Money.usd(10_000_000);
    private static final Money HELD = Money.usd(40_000_000);

    @Test
    void aClusterWithALostRankPaysEachForItsSecondsBurnsTheIoShareAndRefundsTheRest() {
        ClusterClose.Plan plan = ClusterClose.plan(inputs(Map.of(DEVICE_B, 50), 500_000, 10_000_000_000_000L,
                Optional.of(new Referrals.Referral(REFERRER, NOW.minus(Duration.ofDays(1)))),
                Map.of(SUPPLIER_A, new Referrals.Referral(REFERRER, NOW.minus(Duration.ofDays(2))))));

        String prefix = "settle:" + CLUSTER.value() + ":";
        String escrow = LedgerAccounts.escrow(CLUSTER, Currency.USD);
        // A served 1,800 s: 5.000000 gross, 0.250000 fee. B was lost after 600 s: 1.666666 gross, 0.083333 fee,
        // and half its net of 1.583333 (0.791666) bought 1.583332 IO at 0.50 USD, burned.
        assertThat(plan.settlement()).containsExactly(
                new Transfer(prefix + "pay:" + DEVICE_A.value(), escrow, LedgerAccounts.user(SUPPLIER_A, Currency.USD),
                        Money.usd(4_750_000), TransferKind.SUPPLIER_PAYMENT, CLUSTER.value()),
                new Transfer(prefix + "pay:" + DEVICE_B.value(), escrow, LedgerAccounts.user(SUPPLIER_B, Currency.USD),
                        Money.usd(791_667), TransferKind.SUPPLIER_PAYMENT, CLUSTER.value()),
                new Transfer(prefix + "buy:" + DEVICE_B.value(), escrow, LedgerAccounts.marketMaker(Currency.USD),
                        Money.usd(791_666), TransferKind.BUYBACK, CLUSTER.value()),
                new Transfer(prefix + "burn:" + DEVICE_B.value(), LedgerAccounts.marketMaker(Currency.IO),
                        LedgerAccounts.burn(Currency.IO), new Money(1_583_332_000L, Currency.IO), TransferKind.BURN,
                        CLUSTER.value()),
                new Transfer(prefix + "fee", escrow, LedgerAccounts.networkFee(Currency.USD), Money.usd(333_333),
                        TransferKind.NETWORK_FEE, CLUSTER.value()),
                new Transfer(prefix + "refund", escrow, LedgerAccounts.user(CUSTOMER, Currency.USD),
                        Money.usd(33_333_334), TransferKind.REFUND, CLUSTER.value()));
        // 10% of the fees: of all the cluster's for the customer's referrer, of A's for A's.
        assertThat(plan.referrals()).containsExactly(
                new Transfer(prefix + "referral:customer", LedgerAccounts.networkFee(Currency.USD),
                        LedgerAccounts.user(REFERRER, Currency.USD), Money.usd(33_333), TransferKind.REFERRAL_REWARD,
                        CLUSTER.value()),
                new Transfer(prefix + "referral:" + DEVICE_A.value(), LedgerAccounts.networkFee(Currency.USD),
                        LedgerAccounts.user(REFERRER, Currency.USD), Money.usd(25_000), TransferKind.REFERRAL_REWARD,
                        CLUSTER.value()));
        assertThat(plan.computePoints()).containsExactlyInAnyOrderEntriesOf(Map.of(
                LedgerAccounts.user(SUPPLIER_A, Currency.USD), 4_750_000L,
                LedgerAccounts.user(SUPPLIER_B, Currency.USD), 1_583_333L));
    }

    @Test
    void withoutAPriceOrWithAShortMarketMakerTheWholeNetIsPaidAndAnOldReferralPaysNothing() {
        Optional<Referrals.Referral> expired = Optional.of(new Referrals.Referral(REFERRER,
                NOW.minus(Referrals.PERIOD).minusSeconds(1)));
        for (ClusterClose.Plan plan : List.of(
                ClusterClose.plan(inputs(Map.of(DEVICE_B, 50), BuyAndBurn.NO_PRICE, 10_000_000_000_000L, expired, Map.of())),
                ClusterClose.plan(inputs(Map.of(DEVICE_B, 50), 500_000, 1_583_331_999L, expired, Map.of())))) {
            assertThat(plan.settlement()).extracting(Transfer::kind).containsExactly(TransferKind.SUPPLIER_PAYMENT,
                    TransferKind.SUPPLIER_PAYMENT, TransferKind.NETWORK_FEE, TransferKind.REFUND);
            assertThat(plan.settlement().get(1).amount()).isEqualTo(Money.usd(1_583_333));
            assertThat(plan.referrals()).isEmpty();
        }
    }

    @Test
    void aClusterThatNeverRanRefundsEverything() {
        ClusterClose.Plan plan = ClusterClose.plan(new ClusterClose.Inputs(CLUSTER, CUSTOMER, HELD, PRICE, 2, null,
                List.of(new ClusterClose.Rank(DEVICE_A, SUPPLIER_A, NOW)), Map.of(), BuyAndBurn.NO_PRICE, 0,
                Optional.empty(), Map.of(), NOW));

        assertThat(plan.settlement()).containsExactly(new Transfer("settle:" + CLUSTER.value() + ":refund",
                LedgerAccounts.escrow(CLUSTER, Currency.USD), LedgerAccounts.user(CUSTOMER, Currency.USD), HELD,
                TransferKind.REFUND, CLUSTER.value()));
        assertThat(plan.computePoints()).containsExactly(Map.entry(LedgerAccounts.user(SUPPLIER_A, Currency.USD), 0L));
    }

    @Test
    void servedTimeBeyondWhatTheEscrowHoldsIsRefused() {
        assertThatThrownBy(() -> ClusterClose.plan(new ClusterClose.Inputs(CLUSTER, CUSTOMER, Money.usd(1), PRICE, 2,
                RUNNING_AT, List.of(new ClusterClose.Rank(DEVICE_A, SUPPLIER_A, NOW)), Map.of(), BuyAndBurn.NO_PRICE, 0,
                Optional.empty(), Map.of(), NOW))).isInstanceOf(IllegalStateException.class);
    }

    private static ClusterClose.Inputs inputs(Map<DeviceId, Integer> ioPercent, long microsPerIo, long marketMakerIo,
            Optional<Referrals.Referral> customerReferral, Map<AccountId, Referrals.Referral> supplierReferrals) {
        return new ClusterClose.Inputs(CLUSTER, CUSTOMER, HELD, PRICE, 2, RUNNING_AT,
                List.of(new ClusterClose.Rank(DEVICE_A, SUPPLIER_A, NOW),
                        new ClusterClose.Rank(DEVICE_B, SUPPLIER_B, RUNNING_AT.plus(Duration.ofMinutes(10)))),
                ioPercent, microsPerIo, marketMakerIo, customerReferral, supplierReferrals, NOW);
    }
}

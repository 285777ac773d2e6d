package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SettlementTest {
    private static final AccountId CUSTOMER = AccountId.random();
    private static final AccountId SUPPLIER = AccountId.random();
    private static final ClusterId CLUSTER = ClusterId.random();

    @Test
    void paysServedSecondsTakesFivePercentAndRefundsTheRestToTheSecond() {
        // 2 devices at $2.00/h for 3 h: $12 held. One served 1 h 30 min, the other 45 min.
        Money escrow = Money.usd(12_000_000);
        List<Settlement.Service> services = List.of(
                new Settlement.Service(DeviceId.random(), SUPPLIER, 5_400),
                new Settlement.Service(DeviceId.random(), SUPPLIER, 2_700));
        Settlement.Plan plan = Settlement.plan(escrow, Money.usd(2_000_000), services, NetworkFee.BASIS_POINTS);

        assertThat(plan.payouts()).extracting(p -> p.gross().minor()).containsExactly(3_000_000L, 1_500_000L);
        assertThat(plan.payouts()).extracting(p -> p.fee().minor()).containsExactly(150_000L, 75_000L);
        assertThat(plan.payouts()).extracting(p -> p.net().minor()).containsExactly(2_850_000L, 1_425_000L);
        assertThat(plan.feeTotal().minor()).isEqualTo(225_000);
        assertThat(plan.charged().minor()).isEqualTo(4_500_000);
        assertThat(plan.refund().minor()).isEqualTo(7_500_000);
    }

    @Test
    void roundingFavoursTheCustomerDownToTheMicroDollar() {
        // $0.05/h for 7 s is 97.2 micro-dollars: 97 are charged; 5% of 97 is 4.85: 4 go to the fee.
        Settlement.Plan plan = Settlement.plan(Money.usd(50_000), Money.usd(50_000),
                List.of(new Settlement.Service(DeviceId.random(), SUPPLIER, 7)), NetworkFee.BASIS_POINTS);
        assertThat(plan.charged().minor()).isEqualTo(97);
        assertThat(plan.feeTotal().minor()).isEqualTo(4);
        assertThat(plan.payouts().getFirst().net().minor()).isEqualTo(93);
        assertThat(plan.refund().minor()).isEqualTo(50_000 - 97);
    }

    @Test
    void refusesToChargeMoreThanTheEscrowHolds() {
        assertThatThrownBy(() -> Settlement.plan(Money.usd(1_000_000), Money.usd(2_000_000),
                List.of(new Settlement.Service(DeviceId.random(), SUPPLIER, 3_600)), NetworkFee.BASIS_POINTS))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void transfersAlwaysEmptyTheEscrowExactly() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 2_000; round++) {
            long price = 1 + random.nextLong(10_000_000);
            int hours = 1 + random.nextInt(48);
            int devices = 1 + random.nextInt(16);
            Money escrow = Money.usd(price * hours * devices);
            List<Settlement.Service> services = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                services.add(new Settlement.Service(DeviceId.random(), AccountId.random(),
                        random.nextLong(hours * 3_600L + 1)));
            }
            Settlement.Plan plan = Settlement.plan(escrow, Money.usd(price), services, NetworkFee.BASIS_POINTS);
            Map<String, Long> moved = new HashMap<>();
            long out = 0;
            for (Transfer transfer : plan.transfers(CLUSTER, CUSTOMER)) {
                assertThat(transfer.debitAccount()).as("seed %d", seed).isEqualTo(LedgerAccounts.escrow(CLUSTER,
                        escrow.currency()));
                moved.merge(transfer.creditAccount(), transfer.amount().minor(), Long::sum);
                out += transfer.amount().minor();
            }
            assertThat(out).as("seed %d: escrow emptied exactly", seed).isEqualTo(escrow.minor());
            long fee = moved.getOrDefault(LedgerAccounts.networkFee(escrow.currency()), 0L);
            assertThat(fee * 20).as("seed %d: fee at most 5%% of the charge", seed).isLessThanOrEqualTo(plan.charged().minor());
            assertThat(plan.charged().minor() - fee * 20).as("seed %d: fee rounds down by less than a unit per device", seed)
                    .isLessThan(20L * devices);
        }
    }
}

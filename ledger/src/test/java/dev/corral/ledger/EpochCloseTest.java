package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** An epoch's close: who earns the block's availability and compute rewards, with stakers' shares, exactly. */
class EpochCloseTest {
    private static final long HOUR_MILLIS = 3_600_000;
    private static final AccountId OWNER_1 = new AccountId("acc_1000000000000000000a");
    private static final AccountId OWNER_2 = new AccountId("acc_2000000000000000000a");
    private static final AccountId STAKER = new AccountId("acc_5000000000000000000a");
    private static final DeviceId UP_AND_PROVEN = new DeviceId("dev_1000000000000000000a");
    private static final DeviceId HALF_UP = new DeviceId("dev_2000000000000000000a");
    private static final DeviceId UNPROVEN = new DeviceId("dev_3000000000000000000a");

    @Test
    void onlyAProvenDeviceUpNinetyPercentEarnsAvailabilityAndComputePointsShareTheRestByUsd() {
        EpochClose.Plan plan = EpochClose.plan(new EpochClose.Inputs(0, HOUR_MILLIS, 5_000, List.of(
                new EpochClose.Device(UP_AND_PROVEN, OWNER_1, "H100", 1, HOUR_MILLIS, true),
                new EpochClose.Device(HALF_UP, OWNER_2, "H100", 1, HOUR_MILLIS / 2, true),
                new EpochClose.Device(UNPROVEN, OWNER_1, "H100", 1, HOUR_MILLIS, false)),
                // owner 2 earned in two currencies: both count, for its one IO wallet
                Map.of(LedgerAccounts.user(OWNER_1, Currency.USD), 2_000L,
                        LedgerAccounts.user(OWNER_2, Currency.USD), 1_000L,
                        LedgerAccounts.user(OWNER_2, Currency.IOSD), 1_000L),
                Map.of()));

        long block = EmissionSchedule.blockEmission(0);
        long computePool = block / 2;
        assertThat(plan.blockEmission()).isEqualTo(block);
        assertThat(plan.mints().stream().mapToLong(t -> t.amount().minor()).sum()).isEqualTo(block);
        assertThat(plan.rewards()).containsExactly(new EpochClose.DeviceReward(UP_AND_PROVEN, OWNER_1,
                block - computePool));
        Map<String, Long> compute = plan.mints().stream().filter(t -> t.kind() == TransferKind.COMPUTE_REWARD)
                .collect(Collectors.toMap(Transfer::creditAccount, t -> t.amount().minor()));
        assertThat(compute).containsOnlyKeys(EpochRewards.ioWallet(OWNER_1), EpochRewards.ioWallet(OWNER_2));
        assertThat(compute.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(computePool);
        assertThat(Math.abs(compute.get(EpochRewards.ioWallet(OWNER_1)) - compute.get(EpochRewards.ioWallet(OWNER_2))))
                .isLessThanOrEqualTo(1);
        assertThat(plan.mints()).allSatisfy(t -> assertThat(t.debitAccount()).isEqualTo(LedgerAccounts.mint(Currency.IO)));
        assertThat(plan.uptimeShareOfDevicesDown()).containsExactly(Map.entry(HALF_UP, 0.5));
    }

    @Test
    void withNobodyEligibleTheWholeBlockGoesToTheCommunityAllocation() {
        EpochClose.Plan plan = EpochClose.plan(new EpochClose.Inputs(7, HOUR_MILLIS, 5_000,
                List.of(new EpochClose.Device(HALF_UP, OWNER_2, "H100", 1, HOUR_MILLIS / 2, true)), Map.of(), Map.of()));

        assertThat(plan.mints()).singleElement().satisfies(t -> {
            assertThat(t.creditAccount()).isEqualTo(LedgerAccounts.genesis("community"));
            assertThat(t.amount().minor()).isEqualTo(EmissionSchedule.blockEmission(7));
            assertThat(t.idempotencyKey()).startsWith("epoch:7:");
        });
        assertThat(plan.rewards()).isEmpty();
    }

    @Test
    void stakersBackingAnOwnerGetTheirShareOfItsRewards() {
        EpochClose.Plan plan = EpochClose.plan(new EpochClose.Inputs(0, HOUR_MILLIS, 0,
                List.of(new EpochClose.Device(UP_AND_PROVEN, OWNER_1, "H100", 1, HOUR_MILLIS, true)), Map.of(),
                Map.of(OWNER_1, new EpochClose.Backing(Map.of(STAKER, 1_000L), 300))));

        long block = EmissionSchedule.blockEmission(0);
        Map<String, Long> byWallet = plan.mints().stream()
                .collect(Collectors.toMap(Transfer::creditAccount, t -> t.amount().minor(), Long::sum));
        assertThat(byWallet).containsOnlyKeys(EpochRewards.ioWallet(OWNER_1), EpochRewards.ioWallet(STAKER));
        assertThat(byWallet.get(EpochRewards.ioWallet(STAKER))).isEqualTo(block * 300 / 10_000);
        assertThat(byWallet.get(EpochRewards.ioWallet(OWNER_1))).isEqualTo(block - block * 300 / 10_000);
    }
}

package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.publicledger.TransferKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpochRewardsTest {
    @Test
    void aBlockIsSplitHalfByComputeSoldAndHalfByAvailableComputeWeight() {
        // 1,000,000 base units: 500,000 for availability, 500,000 for compute.
        List<EpochRewards.AvailableDevice> available = List.of(
                new EpochRewards.AvailableDevice("dev_h100", "user:acc_a:IO", ComputeWeight.milli("H100", 1)),
                new EpochRewards.AvailableDevice("dev_4090", "user:acc_b:IO", ComputeWeight.milli("RTX 4090", 2)),
                new EpochRewards.AvailableDevice("dev_cpu", "user:acc_a:IO", ComputeWeight.milli(null, 0)));
        Map<String, Long> compute = Map.of("user:acc_b:IO", 3_000_000L, "user:acc_c:IO", 1_000_000L);

        EpochRewards.Plan plan = EpochRewards.plan(1_000_000, EpochRewards.COMPUTE_SHARE_BASIS_POINTS_DEFAULT, available,
                compute);

        // weights 10,000 + 2,500 + 100 = 12,600: shares 396,825.40 + 99,206.35 + 3,968.25; the floors leave 1
        // unit over, which goes to the largest remainder (the H100's .40).
        assertThat(plan.availabilityByDevice()).containsEntry("dev_h100", 396_826L).containsEntry("dev_4090", 99_206L)
                .containsEntry("dev_cpu", 3_968L);
        assertThat(plan.payouts()).containsExactly(
                new EpochRewards.Payout("user:acc_a:IO", TransferKind.AVAILABILITY_REWARD, 396_826L + 3_968L),
                new EpochRewards.Payout("user:acc_b:IO", TransferKind.AVAILABILITY_REWARD, 99_206L),
                new EpochRewards.Payout("user:acc_b:IO", TransferKind.COMPUTE_REWARD, 375_000L),
                new EpochRewards.Payout("user:acc_c:IO", TransferKind.COMPUTE_REWARD, 125_000L));
        assertThat(plan.total()).isEqualTo(1_000_000);
    }

    @Test
    void poolsNobodyEarnedGoToTheCommunityAndEveryBlockIsPaidInFull() {
        EpochRewards.Plan empty = EpochRewards.plan(4_583_115_836_536L, 5_000, List.of(), Map.of());
        assertThat(empty.payouts()).containsExactly(new EpochRewards.Payout(LedgerAccounts.genesis("community"),
                TransferKind.UNCLAIMED_REWARD, 4_583_115_836_536L));

        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 500; round++) {
            long block = random.nextLong(5_000_000_000_000L);
            List<EpochRewards.AvailableDevice> devices = new ArrayList<>();
            for (int i = 0; i < random.nextInt(30); i++) {
                devices.add(new EpochRewards.AvailableDevice("dev_" + i, "user:acc_" + random.nextInt(5) + ":IO",
                        1 + random.nextLong(30_000)));
            }
            Map<String, Long> compute = new LinkedHashMap<>();
            for (int i = 0; i < random.nextInt(6); i++) {
                compute.put("user:acc_" + i + ":IO", 1 + random.nextLong(1_000_000_000L));
            }
            EpochRewards.Plan plan = EpochRewards.plan(block, random.nextInt(10_001), devices, compute);
            assertThat(plan.total()).as("seed %d round %d", seed, round).isEqualTo(block);
            assertThat(plan.payouts()).as("seed %d", seed).allMatch(p -> p.amount() > 0);
        }
    }
}

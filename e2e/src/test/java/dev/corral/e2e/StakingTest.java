package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.corral.core.api.StakeView;
import dev.corral.core.api.WalletView;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.LedgerAudit;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StakingTest extends NetworkTest {
    private static final long NANO = 1_000_000_000L;

    @Test
    void stakersGetTheTargetsShareOfItsRewardsUntilTheyUnstakeAndTheirIoComesBackAfterTheCooldown() throws Exception {
        CorralClient earner = network.supplierWithDevices("earner", 1);
        CorralClient staker = network.supplierWithDevices("staker", 1);
        closeEpochsThrough(1);
        // Epoch 1: both CPU devices were available all along and share the availability half of the block.
        long eachOfEpochOne = rewardIn(staker, 1);
        assertThat(eachOfEpochOne).isCloseTo(EmissionSchedule.blockEmission(1) / 4, within(1L));
        assertThat(io(staker.wallet())).isEqualTo(eachOfEpochOne);

        String earnerId = earner.account().accountId();
        assertThatThrownBy(() -> earner.setStakerShare(4))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(400));
        earner.setStakerShare(3);
        StakeView stake = staker.stake(earnerId, "100", "stake-1");
        assertThat(staker.stake(earnerId, "100", "stake-1").stakeId()).isEqualTo(stake.stakeId());
        assertThat(earner.stakes()).extracting(StakeView::stakeId).containsExactly(stake.stakeId());
        long stakerBefore = io(staker.wallet());
        assertThat(stakerBefore).isEqualTo(eachOfEpochOne - 100 * NANO);
        long earnerBefore = io(earner.wallet());

        closeEpochsThrough(2);
        long gross = rewardIn(earner, 2);
        long cut = gross * 300 / 10_000;
        assertThat(cut).isPositive();
        assertThat(io(earner.wallet()) - earnerBefore).isEqualTo(gross - cut);
        assertThat(io(staker.wallet()) - stakerBefore).isEqualTo(rewardIn(staker, 2) + cut);

        StakeView cooling = staker.unstake(stake.stakeId());
        assertThat(cooling.state()).isEqualTo("COOLING_DOWN");
        assertThat(cooling.releaseAt()).isAfter(network.clock.instant().plus(Duration.ofDays(13)));
        assertThatThrownBy(() -> earner.unstake(stake.stakeId()))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(404));
        long earnerAfterUnstake = io(earner.wallet());
        closeEpochsThrough(3);
        assertThat(io(earner.wallet()) - earnerAfterUnstake).as("no cut once unstaked").isEqualTo(rewardIn(earner, 3));

        network.clock.advance(Duration.ofDays(14));
        TestNetwork.await("the stake released", () -> staker.stakes().getFirst().state().equals("RELEASED"));
        assertThat(LedgerAudit.verify(network.anonymous.allJournal(), network.anonymous.allEpochs(),
                network.anonymous.ledgerKey()).problem()).isEmpty();
    }

    @Test
    void theLastTenthOfAScarcePoolIsKeptForCustomersWithStake() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 10);
        CorralClient alice = network.customer("alice", "5");
        assertThatThrownBy(() -> alice.deploy(cpu(10, 1, "sleep 300"), null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("scarce").contains("1000 IO staked");
                });
        assertThat(alice.clusters()).isEmpty();

        closeEpochsThrough(1);
        supplier.stake(alice.account().accountId(), "1000", null);
        String id = alice.deploy(cpu(10, 1, "sleep 300"), null).clusterId();
        assertThat(alice.cluster(id).ranks()).hasSize(10);
        alice.terminate(id);
    }

    /** Moves the clock an epoch at a time until this epoch is closed. */
    private void closeEpochsThrough(long epoch) {
        while (network.anonymous.epochs(epoch, 1).isEmpty()) {
            int before = network.anonymous.allEpochs().size();
            network.clock.advance(Duration.ofMinutes(60));
            TestNetwork.await("an epoch closed", () -> network.anonymous.allEpochs().size() > before);
        }
    }

    /** The availability reward the account's one device got in the epoch, before any stakers' cut. */
    private static long rewardIn(CorralClient owner, long epoch) {
        return owner.rewards(100).stream().filter(r -> r.epoch() == epoch).mapToLong(r -> r.amount().minor()).sum();
    }

    private static long io(WalletView wallet) {
        return wallet.balances().stream().filter(a -> a.currency().equals("IO")).findFirst().orElseThrow().minor();
    }
}

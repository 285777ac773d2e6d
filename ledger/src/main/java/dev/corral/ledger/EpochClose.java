package dev.corral.ledger;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.publicledger.Transfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What closing an epoch mints and to whom: the epoch's block of IO split into availability
 * rewards (devices {@link Availability} finds eligible, by hardware weight) and compute rewards
 * (by the USD value of the compute points earned in the epoch), each wallet's reward shared
 * with the stakers backing it, and which devices were down part of the epoch. Pure: the
 * closing transaction reads the inputs and applies the plan.
 */
public final class EpochClose {
    private EpochClose() {}

    /** A device seen online in the epoch, with its uptime in it and whether it proved it can take work. */
    public record Device(DeviceId id, AccountId owner, String gpuModel, int gpuCount, long uptimeMillis, boolean proven) {
        public Device {
            requireNonNull(id, "id is null");
            requireNonNull(owner, "owner is null");
            if (uptimeMillis < 0) {
                throw new IllegalArgumentException("uptime is never negative: " + uptimeMillis);
            }
        }
    }

    /** The stakes on one account: each staker's stake in IO base units, and the share of rewards they get. */
    public record Backing(Map<AccountId, Long> stakeByStaker, int shareBasisPoints) {
        public Backing {
            stakeByStaker = Map.copyOf(stakeByStaker);
        }
    }

    /**
     * Everything the close depends on. Compute points are keyed by the supplier's wallet in
     * whatever currency it earned them; they are paid to the same user's IO wallet.
     */
    public record Inputs(long epoch, long lengthMillis, int computeShareBasisPoints, List<Device> devices,
            Map<String, Long> computePointsByWallet, Map<AccountId, Backing> backingByTarget) {
        public Inputs {
            if (epoch < 0 || lengthMillis <= 0) {
                throw new IllegalArgumentException("epoch " + epoch + " of " + lengthMillis + " ms");
            }
            devices = List.copyOf(devices);
            computePointsByWallet = Map.copyOf(computePointsByWallet);
            backingByTarget = Map.copyOf(backingByTarget);
        }
    }

    /** One device's availability reward, for the explorer's block view and the supplier's rewards list. */
    public record DeviceReward(DeviceId device, AccountId owner, long amount) {}

    /**
     * The close: the mint transfers (their sum is the block emission exactly), each eligible
     * device's availability reward and its weight in it (thousandths; the reward is split by
     * weight), and the share of the epoch each device that was down part of it was up (for its
     * reputation).
     */
    public record Plan(long blockEmission, List<Transfer> mints, List<DeviceReward> rewards,
            Map<DeviceId, Long> availabilityWeightsMilli, Map<DeviceId, Double> uptimeShareOfDevicesDown) {}

    public static Plan plan(Inputs in) {
        List<EpochRewards.AvailableDevice> available = new ArrayList<>();
        Map<String, Device> byId = new HashMap<>();
        Map<DeviceId, Double> down = new HashMap<>();
        Map<DeviceId, Long> weights = new HashMap<>();
        for (Device device : in.devices()) {
            if (device.uptimeMillis() < in.lengthMillis()) {
                down.put(device.id(), (double) device.uptimeMillis() / in.lengthMillis());
            }
            if (!Availability.eligible(device.uptimeMillis(), in.lengthMillis(), device.proven())) {
                continue;
            }
            byId.put(device.id().value(), device);
            long weight = ComputeWeight.milli(device.gpuModel(), device.gpuCount());
            weights.put(device.id(), weight);
            available.add(new EpochRewards.AvailableDevice(device.id().value(), EpochRewards.ioWallet(device.owner()),
                    weight));
        }
        Map<String, Long> computeUsd = new TreeMap<>();
        in.computePointsByWallet().forEach((wallet, usd) ->
                computeUsd.merge(LedgerAccounts.sameUserIn(wallet, Currency.IO), usd, Long::sum));
        long block = EmissionSchedule.blockEmission(in.epoch());
        EpochRewards.Plan rewards = EpochRewards.plan(block, in.computeShareBasisPoints(), available, computeUsd);
        Map<String, StakerShare.Backing> backing = new HashMap<>();
        in.backingByTarget().forEach((target, stakes) -> {
            Map<String, Long> stakers = new TreeMap<>();
            stakes.stakeByStaker().forEach((staker, amount) -> stakers.put(EpochRewards.ioWallet(staker), amount));
            backing.put(EpochRewards.ioWallet(target), new StakerShare.Backing(stakers, stakes.shareBasisPoints()));
        });
        List<Transfer> mints = StakerShare.apply(rewards.payouts(), backing).stream().map(payout -> new Transfer(
                "epoch:" + in.epoch() + ":" + payout.kind() + ":" + payout.wallet(), LedgerAccounts.mint(Currency.IO),
                payout.wallet(), new Money(payout.amount(), Currency.IO), payout.kind(), null)).toList();
        long minted = mints.stream().mapToLong(t -> t.amount().minor()).sum();
        if (minted != block) {
            throw new IllegalStateException("epoch " + in.epoch() + " mints " + minted + " IO base units, its block is "
                    + block);
        }
        List<DeviceReward> deviceRewards = new ArrayList<>();
        rewards.availabilityByDevice().forEach((id, amount) -> {
            Device device = byId.get(id);
            deviceRewards.add(new DeviceReward(device.id(), device.owner(), amount));
        });
        return new Plan(block, mints, deviceRewards, Map.copyOf(weights), down);
    }
}

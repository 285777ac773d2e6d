package dev.corral.ledger;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.publicledger.TransferKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How one block's IO is paid out when its epoch closes. A named share goes to compute
 * rewards, split among suppliers by the USD value of the compute they sold in the epoch;
 * the rest to availability rewards, split among the devices that were online and able to
 * take work for the whole epoch by their compute weight. A pool nobody earned goes to the
 * community allocation, so every block is minted in full and the supply follows the schedule.
 */
public final class EpochRewards {
    /** Half of each block rewards compute sold, half rewards availability, until governance says otherwise. */
    public static final int COMPUTE_SHARE_BASIS_POINTS_DEFAULT = 5_000;

    /** A device that was available for the whole epoch, its owner's IO wallet and its weight. */
    public record AvailableDevice(String device, String ownerWallet, long weightMilli) {}

    /** IO minted to one wallet, and why. */
    public record Payout(String wallet, TransferKind kind, long amount) {}

    /** The payouts, and each device's availability reward for the record. */
    public record Plan(List<Payout> payouts, Map<String, Long> availabilityByDevice) {
        public long total() {
            return payouts.stream().mapToLong(Payout::amount).sum();
        }
    }

    private EpochRewards() {}

    public static Plan plan(long blockEmission, int computeShareBasisPoints, List<AvailableDevice> available,
            Map<String, Long> computeUsdByWallet) {
        if (computeShareBasisPoints < 0 || computeShareBasisPoints > Settlement.BASIS_POINTS) {
            throw new IllegalArgumentException("compute share must be 0.." + Settlement.BASIS_POINTS + " basis points");
        }
        long computePool = Math.multiplyExact(blockEmission, (long) computeShareBasisPoints) / Settlement.BASIS_POINTS;
        long availabilityPool = blockEmission - computePool;
        Map<String, Long> payouts = new HashMap<>();
        List<Payout> result = new ArrayList<>();

        Map<String, Long> weights = LinkedHashMap.newLinkedHashMap(available.size());
        Map<String, String> owners = HashMap.newHashMap(available.size());
        for (AvailableDevice device : available) {
            weights.put(device.device(), device.weightMilli());
            owners.put(device.device(), device.ownerWallet());
        }
        Map<String, Long> byDevice = ProRata.split(availabilityPool, weights);
        byDevice.forEach((device, amount) -> payouts.merge(owners.get(device), amount, Long::sum));
        // Summed in a hash map, sorted once: a tree map's merge per device was a fifth of the plan for 300,000 devices.
        new TreeMap<>(payouts).forEach((wallet, amount) -> add(result, wallet, TransferKind.AVAILABILITY_REWARD, amount));
        long unclaimed = byDevice.isEmpty() ? availabilityPool : 0;

        Map<String, Long> byWallet = new TreeMap<>(ProRata.split(computePool, new TreeMap<>(computeUsdByWallet)));
        byWallet.forEach((wallet, amount) -> add(result, wallet, TransferKind.COMPUTE_REWARD, amount));
        unclaimed += byWallet.isEmpty() ? computePool : 0;

        add(result, LedgerAccounts.genesis("community"), TransferKind.UNCLAIMED_REWARD, unclaimed);
        Plan plan = new Plan(List.copyOf(result), byDevice);
        assert plan.total() == blockEmission : "the block's payouts do not add up to its emission";
        return plan;
    }

    /** The wallet of an account in IO, as rewards are paid. */
    public static String ioWallet(AccountId account) {
        return LedgerAccounts.user(account, Currency.IO);
    }

    private static void add(List<Payout> payouts, String wallet, TransferKind kind, long amount) {
        if (amount > 0) {
            payouts.add(new Payout(wallet, kind, amount));
        }
    }
}

package dev.corral.ledger;

import dev.corral.core.publicledger.TransferKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stakers' cut of the rewards a participant earns: the participant's staker share (1% to 3%)
 * of each reward goes to the IO staked on it, split pro rata by stake, and the participant
 * keeps the rest. Pure: block reward payouts in, payouts with the stakers' cut out, same total.
 */
public final class StakerShare {
    public static final int SHARE_BASIS_POINTS_MIN = 100;
    public static final int SHARE_BASIS_POINTS_MAX = 300;
    public static final int SHARE_BASIS_POINTS_DEFAULT = SHARE_BASIS_POINTS_MIN;

    /** The stakes on one participant (staker wallet to IO staked) and the share it gives them. */
    public record Backing(Map<String, Long> stakeByStakerWallet, int shareBasisPoints) {
        public Backing {
            if (shareBasisPoints < SHARE_BASIS_POINTS_MIN || shareBasisPoints > SHARE_BASIS_POINTS_MAX) {
                throw new IllegalArgumentException("staker share must be 1% to 3%");
            }
            stakeByStakerWallet = Map.copyOf(stakeByStakerWallet);
        }
    }

    private StakerShare() {}

    /** The payouts with each backed participant's reward cut for its stakers (kind STAKER_REWARD). */
    public static List<EpochRewards.Payout> apply(List<EpochRewards.Payout> payouts, Map<String, Backing> backingByWallet) {
        List<EpochRewards.Payout> result = new ArrayList<>();
        Map<String, Long> toStakers = new LinkedHashMap<>();
        for (EpochRewards.Payout payout : payouts) {
            Backing backing = backingByWallet.get(payout.wallet());
            boolean reward = payout.kind() == TransferKind.AVAILABILITY_REWARD || payout.kind() == TransferKind.COMPUTE_REWARD;
            if (!reward || backing == null || backing.stakeByStakerWallet().isEmpty()) {
                result.add(payout);
                continue;
            }
            long cut = Math.multiplyExact(payout.amount(), (long) backing.shareBasisPoints()) / Settlement.BASIS_POINTS;
            ProRata.split(cut, new TreeMap<>(backing.stakeByStakerWallet()))
                    .forEach((staker, amount) -> toStakers.merge(staker, amount, Long::sum));
            if (payout.amount() - cut > 0) {
                result.add(new EpochRewards.Payout(payout.wallet(), payout.kind(), payout.amount() - cut));
            }
        }
        toStakers.forEach((staker, amount) -> {
            if (amount > 0) {
                result.add(new EpochRewards.Payout(staker, TransferKind.STAKER_REWARD, amount));
            }
        });
        assert result.stream().mapToLong(EpochRewards.Payout::amount).sum()
                == payouts.stream().mapToLong(EpochRewards.Payout::amount).sum() : "stakers' cut changed the total";
        return result;
    }
}

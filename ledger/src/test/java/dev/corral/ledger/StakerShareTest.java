package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.publicledger.TransferKind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StakerShareTest {
    @Test
    void everyStakerGetsExactlyItsProRataPartOfTheSharesAndTheTotalNeverChanges() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 1_000; round++) {
            List<EpochRewards.Payout> payouts = new ArrayList<>();
            Map<String, StakerShare.Backing> backing = new HashMap<>();
            Map<String, Long> expectedToStakers = new HashMap<>();
            long expectedToEarners = 0;
            for (int earner = 0; earner < 1 + random.nextInt(4); earner++) {
                String wallet = "user:acc_e" + earner + ":IO";
                long amount = 1 + random.nextLong(10_000_000_000L);
                TransferKind kind = random.nextBoolean() ? TransferKind.AVAILABILITY_REWARD : TransferKind.COMPUTE_REWARD;
                payouts.add(new EpochRewards.Payout(wallet, kind, amount));
                Map<String, Long> stakes = new HashMap<>();
                for (int s = 0; s < random.nextInt(4); s++) {
                    stakes.put("user:acc_s" + s + ":IO", 1 + random.nextLong(1_000_000_000_000L));
                }
                int bps = 100 + random.nextInt(201);
                backing.put(wallet, new StakerShare.Backing(stakes, bps));
                long cut = stakes.isEmpty() ? 0 : amount * bps / 10_000;
                expectedToEarners += amount - cut;
                // Independently: each staker's floor share, and the leftover units go to the largest remainders.
                Map<String, Long> parts = proRata(cut, stakes);
                parts.forEach((staker, part) -> expectedToStakers.merge(staker, part, Long::sum));
            }
            List<EpochRewards.Payout> result = StakerShare.apply(payouts, backing);
            Map<String, Long> toStakers = new HashMap<>();
            long toEarners = 0;
            for (EpochRewards.Payout payout : result) {
                if (payout.kind() == TransferKind.STAKER_REWARD) {
                    toStakers.merge(payout.wallet(), payout.amount(), Long::sum);
                } else {
                    toEarners += payout.amount();
                }
            }
            expectedToStakers.values().removeIf(v -> v == 0);
            assertThat(toStakers).as("seed %d round %d", seed, round).isEqualTo(expectedToStakers);
            assertThat(toEarners).as("seed %d round %d", seed, round).isEqualTo(expectedToEarners);
        }
    }

    private static Map<String, Long> proRata(long amount, Map<String, Long> weights) {
        BigInteger total = BigInteger.valueOf(weights.values().stream().mapToLong(Long::longValue).sum());
        Map<String, Long> parts = new HashMap<>();
        if (total.signum() == 0) {
            return parts;
        }
        record Rest(String key, BigInteger remainder) {}
        List<Rest> rests = new ArrayList<>();
        long given = 0;
        for (Map.Entry<String, Long> w : weights.entrySet()) {
            BigInteger[] qr = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(w.getValue())).divideAndRemainder(total);
            parts.put(w.getKey(), qr[0].longValueExact());
            given += qr[0].longValueExact();
            rests.add(new Rest(w.getKey(), qr[1]));
        }
        rests.sort((a, b) -> b.remainder().compareTo(a.remainder()) != 0 ? b.remainder().compareTo(a.remainder())
                : a.key().compareTo(b.key()));
        for (int i = 0; i < amount - given; i++) {
            parts.merge(rests.get(i).key(), 1L, Long::sum);
        }
        return parts;
    }
}

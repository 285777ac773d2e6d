package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProRataTest {
    @Test
    void eachGetsTheFloorOfItsShareAndTheUnitsLeftGoToTheLargestRemainders() {
        // 7 x 2/3 = 4 rest 2, 7 x 1/3 = 2 rest 1: the one unit left goes to x.
        assertThat(ProRata.split(7, Map.of("x", 2L, "y", 1L))).containsExactlyInAnyOrderEntriesOf(
                Map.of("x", 5L, "y", 2L));
    }

    @Test
    void equalRemaindersGoToTheSmallerKeysFirst() {
        Map<String, Long> weights = new LinkedHashMap<>();
        weights.put("c", 1L);
        weights.put("a", 1L);
        weights.put("b", 1L);
        assertThat(ProRata.split(11, weights)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 4L, "b", 4L, "c", 3L));
    }

    @Test
    void aProductBeyondALongIsSplitExactly() {
        long amount = Long.MAX_VALUE / 2;
        Map<String, Long> parts = ProRata.split(amount, Map.of("a", 3L, "b", 1L));
        BigInteger a = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(3)).divide(BigInteger.valueOf(4));
        BigInteger b = BigInteger.valueOf(amount).divide(BigInteger.valueOf(4));
        long left = amount - a.longValueExact() - b.longValueExact();
        // amount x 3 mod 4 = 1 and amount mod 4 = 3 (amount = 2^62 - 1): the larger remainder is b's.
        assertThat(left).isEqualTo(1);
        assertThat(parts).containsExactlyInAnyOrderEntriesOf(Map.of("a", a.longValueExact(), "b", b.longValueExact() + 1));
    }

    @Test
    void randomSplitsMatchTheRuleComputedPlainly() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 300; round++) {
            Map<String, Long> weights = new LinkedHashMap<>();
            int recipients = 1 + random.nextInt(random.nextInt(10) == 0 ? 2_000 : 40);
            int spread = random.nextBoolean() ? 3 : 1_000_000;
            for (int i = 0; i < recipients; i++) {
                weights.put("k" + random.nextInt(100_000), (long) random.nextInt(spread));
            }
            long amount = random.nextBoolean() ? random.nextLong(1_000) : random.nextLong(Long.MAX_VALUE / 4);
            assertThat(ProRata.split(amount, weights)).as("seed %d, round %d: %d over %s", seed, round, amount, weights)
                    .isEqualTo(plainly(amount, weights));
        }
    }

    /** The rule as stated: floors, then one unit each to the largest remainders, ties to the smaller key. */
    private static Map<String, Long> plainly(long amount, Map<String, Long> weights) {
        BigInteger total = BigInteger.valueOf(weights.values().stream().mapToLong(Long::longValue).sum());
        Map<String, Long> parts = new TreeMap<>();
        if (total.signum() == 0) {
            return parts;
        }
        Map<String, BigInteger> remainders = new TreeMap<>();
        long given = 0;
        for (Map.Entry<String, Long> weight : weights.entrySet()) {
            BigInteger[] quotient = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(weight.getValue()))
                    .divideAndRemainder(total);
            parts.put(weight.getKey(), quotient[0].longValueExact());
            remainders.put(weight.getKey(), quotient[1]);
            given += quotient[0].longValueExact();
        }
        List<String> order = new ArrayList<>(remainders.keySet());
        order.sort(Comparator.comparing((String key) -> remainders.get(key)).reversed().thenComparing(key -> key));
        for (int i = 0; i < amount - given; i++) {
            parts.merge(order.get(i), 1L, Long::sum);
        }
        return parts;
    }

    @Test
    void nothingToShareOrNoWeightGivesNothingAndNegativesAreRefused() {
        assertThat(ProRata.split(0, Map.of("a", 1L))).containsExactly(Map.entry("a", 0L));
        assertThat(ProRata.split(5, Map.of("a", 0L))).isEmpty();
        assertThatThrownBy(() -> ProRata.split(-1, Map.of("a", 1L))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProRata.split(1, Map.of("a", -1L))).isInstanceOf(IllegalArgumentException.class);
    }
}

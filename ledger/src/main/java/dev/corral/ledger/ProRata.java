package dev.corral.ledger;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits an amount among recipients in proportion to their weights, exactly: each gets the
 * floor of its share and the few units left over go one each to the largest remainders
 * (ties to the smaller key), so the parts always add up to the amount.
 */
public final class ProRata {
    private ProRata() {}

    public static Map<String, Long> split(long amount, Map<String, Long> weights) {
        if (amount < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amount);
        }
        long total = 0;
        for (Map.Entry<String, Long> weight : weights.entrySet()) {
            if (weight.getValue() < 0) {
                throw new IllegalArgumentException("negative weight for " + weight.getKey());
            }
            total = Math.addExact(total, weight.getValue());
        }
        Map<String, Long> parts = new LinkedHashMap<>();
        if (total == 0) {
            return parts;
        }
        // A remainder is below the total, so it fits in a long even when the product does not.
        record Rest(String key, long remainder) {}
        List<Rest> rests = new ArrayList<>(weights.size());
        BigInteger big = BigInteger.valueOf(amount);
        BigInteger sum = BigInteger.valueOf(total);
        long given = 0;
        for (Map.Entry<String, Long> weight : weights.entrySet()) {
            long w = weight.getValue();
            long part;
            long remainder;
            if (Math.multiplyHigh(amount, w) == 0 && amount * w >= 0) {
                // The product fits in a long, as it does for block rewards: no BigInteger needed.
                part = amount * w / total;
                remainder = amount * w % total;
            } else {
                BigInteger[] quotient = big.multiply(BigInteger.valueOf(w)).divideAndRemainder(sum);
                part = quotient[0].longValueExact();
                remainder = quotient[1].longValueExact();
            }
            parts.put(weight.getKey(), part);
            given += part;
            rests.add(new Rest(weight.getKey(), remainder));
        }
        rests.sort(Comparator.comparingLong(Rest::remainder).reversed().thenComparing(Rest::key));
        for (int i = 0; i < amount - given; i++) {
            parts.merge(rests.get(i).key(), 1L, Long::sum);
        }
        assert parts.values().stream().mapToLong(Long::longValue).sum() == amount : "pro-rata parts do not add up";
        return parts;
    }
}

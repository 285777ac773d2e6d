package dev.corral.ledger;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
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
        Map<String, Long> parts = LinkedHashMap.newLinkedHashMap(weights.size());
        if (total == 0) {
            return parts;
        }
        // A remainder is below the total, so it fits in a long even when the product does not.
        int count = weights.size();
        String[] keys = new String[count];
        long[] remainders = new long[count];
        BigInteger big = BigInteger.valueOf(amount);
        BigInteger sum = BigInteger.valueOf(total);
        long given = 0;
        int index = 0;
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
            keys[index] = weight.getKey();
            remainders[index] = remainder;
            index++;
        }
        for (String key : leftoverRecipients(keys, remainders, (int) (amount - given))) {
            parts.merge(key, 1L, Long::sum);
        }
        assert parts.values().stream().mapToLong(Long::longValue).sum() == amount : "pro-rata parts do not add up";
        return parts;
    }

    /**
     * The {@code leftover} recipients with the largest remainders, ties to the smaller key. Sorting
     * every recipient by remainder and key took most of an epoch close's reward plan (a million
     * devices, nearly all with the same remainder): the remainders sort as plain numbers, and of
     * the keys tied at the cut only the smallest are picked out.
     */
    private static List<String> leftoverRecipients(String[] keys, long[] remainders, int leftover) {
        if (leftover == 0) {
            return List.of();
        }
        long[] sorted = remainders.clone();
        Arrays.sort(sorted);
        long cut = sorted[sorted.length - leftover];
        List<String> chosen = new ArrayList<>(leftover);
        List<String> tied = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (remainders[i] > cut) {
                chosen.add(keys[i]);
            } else if (remainders[i] == cut) {
                tied.add(keys[i]);
            }
        }
        String[] candidates = tied.toArray(String[]::new);
        int wanted = leftover - chosen.size();
        selectSmallest(candidates, wanted);
        chosen.addAll(Arrays.asList(candidates).subList(0, wanted));
        return chosen;
    }

    /**
     * Rearranges the distinct keys so that the {@code count} smallest come first, in no
     * particular order (quickselect: linear on average, where sorting them all was most of the
     * leftover's cost over a million tied devices).
     */
    private static void selectSmallest(String[] keys, int count) {
        int low = 0;
        int high = keys.length - 1;
        while (low < high) {
            String pivot = keys[low + (high - low) / 2];
            int i = low;
            int j = high;
            while (i <= j) {
                while (keys[i].compareTo(pivot) < 0) {
                    i++;
                }
                while (keys[j].compareTo(pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    String swap = keys[i];
                    keys[i] = keys[j];
                    keys[j] = swap;
                    i++;
                    j--;
                }
            }
            // [low, j] holds keys <= pivot, [i, high] keys >= pivot: go on in the part the boundary is in.
            if (count - 1 <= j) {
                high = j;
            } else if (count - 1 >= i) {
                low = i;
            } else {
                return;
            }
        }
    }
}

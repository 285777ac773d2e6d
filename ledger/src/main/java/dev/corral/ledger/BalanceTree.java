package dev.corral.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A Merkle tree over every account balance, leaves in account order. Its root goes into
 * each epoch record; a proof lets anyone check one balance against the signed root without
 * the others. An odd node at the end of a level is carried up unchanged.
 */
public final class BalanceTree {
    /** One balance: a ledger account, its currency and its balance in base units. */
    public record Leaf(String account, String currency, long balance) {
        String hash() {
            return Hashes.sha256("corral-balance-v1\n" + account + "\n" + currency + "\n" + balance);
        }
    }

    /** One step from a leaf to the root: the sibling's hash and which side it is on. */
    public record Step(String sibling, boolean siblingOnLeft) {}

    /** A balance at the close of an epoch and the steps from it to that epoch's signed root. */
    public record Proof(long epoch, Leaf leaf, List<Step> steps, String root) {
        public boolean holds() {
            return verify(leaf, steps, root);
        }
    }

    private BalanceTree() {}

    /** The root over the leaves, which must be sorted by account and unique; the hash of "" when empty. */
    public static String root(List<Leaf> leaves) {
        List<String> level = leaves.stream().map(Leaf::hash).toList();
        if (level.isEmpty()) {
            return Hashes.sha256("");
        }
        while (level.size() > 1) {
            level = up(level);
        }
        return level.getFirst();
    }

    /** The steps from leaf number index up to the root. */
    public static List<Step> proof(List<Leaf> leaves, int index) {
        if (index < 0 || index >= leaves.size()) {
            throw new IllegalArgumentException("no leaf " + index + " among " + leaves.size());
        }
        List<Step> steps = new ArrayList<>();
        List<String> level = leaves.stream().map(Leaf::hash).toList();
        int position = index;
        while (level.size() > 1) {
            int sibling = position ^ 1;
            if (sibling < level.size()) {
                steps.add(new Step(level.get(sibling), sibling < position));
            }
            level = up(level);
            position /= 2;
        }
        return steps;
    }

    /** Whether the leaf with these steps leads to the root. */
    public static boolean verify(Leaf leaf, List<Step> steps, String root) {
        String hash = leaf.hash();
        for (Step step : steps) {
            hash = step.siblingOnLeft() ? node(step.sibling(), hash) : node(hash, step.sibling());
        }
        return hash.equals(root);
    }

    private static List<String> up(List<String> level) {
        List<String> next = new ArrayList<>((level.size() + 1) / 2);
        for (int i = 0; i < level.size(); i += 2) {
            next.add(i + 1 < level.size() ? node(level.get(i), level.get(i + 1)) : level.get(i));
        }
        return next;
    }

    private static String node(String left, String right) {
        return Hashes.sha256("corral-node-v1\n" + left + "\n" + right);
    }
}

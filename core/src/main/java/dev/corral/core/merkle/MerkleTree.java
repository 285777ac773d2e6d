package dev.corral.core.merkle;

import dev.corral.core.Sha256;
import java.util.ArrayList;
import java.util.List;

/**
 * A binary Merkle tree over leaf hashes (SHA-256, lower-case hex). An odd node at the end of
 * a level is carried up unchanged. Used for the ledger's balance tree and for the rows of a
 * device's answer to an availability challenge.
 */
public final class MerkleTree {
    /** One step from a leaf to the root: the sibling's hash and which side it is on. */
    public record Step(String sibling, boolean siblingOnLeft) {}

    private MerkleTree() {}

    /** The root over the leaf hashes; the hash of "" when there are none. */
    public static String root(List<String> leaves) {
        if (leaves.isEmpty()) {
            return Sha256.hex("");
        }
        List<String> level = leaves;
        while (level.size() > 1) {
            level = up(level);
        }
        return level.getFirst();
    }

    /** The steps from leaf number index up to the root. */
    public static List<Step> proof(List<String> leaves, int index) {
        return Levels.of(leaves).proof(index);
    }

    /** Every level of a tree, leaves first: built once, it gives any leaf's proof without hashing again. */
    public static final class Levels {
        private final List<List<String>> levels = new ArrayList<>();

        private Levels(List<String> leaves) {
            List<String> level = List.copyOf(leaves);
            levels.add(level);
            while (level.size() > 1) {
                level = up(level);
                levels.add(level);
            }
        }

        public static Levels of(List<String> leaves) {
            return new Levels(leaves);
        }

        private int leafCount() {
            return levels.getFirst().size();
        }

        /** The root; the hash of "" when there are no leaves, as {@link MerkleTree#root} says. */
        public String root() {
            return leafCount() == 0 ? Sha256.hex("") : levels.getLast().getFirst();
        }

        /** The steps from leaf number index up to the root. */
        public List<Step> proof(int index) {
            if (index < 0 || index >= leafCount()) {
                throw new IllegalArgumentException("no leaf " + index + " among " + leafCount());
            }
            List<Step> steps = new ArrayList<>();
            int position = index;
            for (List<String> level : levels.subList(0, levels.size() - 1)) {
                int sibling = position ^ 1;
                if (sibling < level.size()) {
                    steps.add(new Step(level.get(sibling), sibling < position));
                }
                position /= 2;
            }
            return steps;
        }
    }

    /** Whether the leaf hash with these steps leads to the root. */
    public static boolean verify(String leaf, List<Step> steps, String root) {
        String hash = leaf;
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
        return Sha256.hex("corral-node-v1\n" + left + "\n" + right);
    }
}

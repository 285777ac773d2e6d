package dev.corral.core.publicledger;

import dev.corral.core.Sha256;
import dev.corral.core.merkle.MerkleTree;
import java.util.List;
import java.util.OptionalInt;

/**
 * The Merkle tree over every non-zero balance, leaves in account order. Its root goes into
 * each epoch record; a proof lets anyone check one balance against the signed root without
 * the others.
 */
public final class BalanceTree {
    /** One balance: a ledger account, its currency and its balance in base units. */
    public record Leaf(String account, String currency, long balance) {
        /** The leaf's hash, the Merkle tree's input: SHA-256 of "corral-balance-v1", account, currency, balance. */
        public String hash() {
            return Sha256.hex("corral-balance-v1\n" + account + "\n" + currency + "\n" + balance);
        }
    }

    /** A balance at the close of an epoch and the steps from it to that epoch's signed root. */
    public record Proof(long epoch, Leaf leaf, List<MerkleTree.Step> steps, String root) {
        public boolean holds() {
            return verify(leaf, steps, root);
        }
    }

    private BalanceTree() {}

    /** The root over the leaves, which must be sorted by account and unique. */
    public static String root(List<Leaf> leaves) {
        return MerkleTree.root(hashes(leaves));
    }

    /** The steps from leaf number index up to the root. */
    public static List<MerkleTree.Step> proof(List<Leaf> leaves, int index) {
        return MerkleTree.proof(hashes(leaves), index);
    }

    /** Whether the leaf with these steps leads to the root. */
    public static boolean verify(Leaf leaf, List<MerkleTree.Step> steps, String root) {
        return MerkleTree.verify(leaf.hash(), steps, root);
    }

    /** One set of balances' tree, built once: any balance's proof is then read off it without hashing again. */
    public static final class Tree {
        private final List<Leaf> leaves;
        private final MerkleTree.Levels levels;

        private Tree(List<Leaf> leaves) {
            this.leaves = List.copyOf(leaves);
            this.levels = MerkleTree.Levels.of(hashes(leaves));
        }

        /** The tree over the leaves, which must be sorted by account and unique. */
        public static Tree of(List<Leaf> leaves) {
            return new Tree(leaves);
        }

        public String root() {
            return levels.root();
        }

        /** Where the account's leaf is (a binary search: the leaves are sorted), or empty: no non-zero balance. */
        public OptionalInt indexOf(String account) {
            int low = 0;
            int high = leaves.size() - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                int order = leaves.get(middle).account().compareTo(account);
                if (order == 0) {
                    return OptionalInt.of(middle);
                }
                if (order < 0) {
                    low = middle + 1;
                } else {
                    high = middle - 1;
                }
            }
            return OptionalInt.empty();
        }

        public Leaf leaf(int index) {
            return leaves.get(index);
        }

        public List<MerkleTree.Step> proof(int index) {
            return levels.proof(index);
        }
    }

    private static List<String> hashes(List<Leaf> leaves) {
        return leaves.stream().map(Leaf::hash).toList();
    }
}

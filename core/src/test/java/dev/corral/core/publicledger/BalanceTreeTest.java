package dev.corral.core.publicledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalanceTreeTest {
    @Test
    void everyLeafProvesAgainstTheRootAndNoOtherBalanceDoes() {
        for (int size = 1; size <= 17; size++) {
            List<BalanceTree.Leaf> leaves = leaves(size);
            String root = BalanceTree.root(leaves);
            for (int i = 0; i < size; i++) {
                List<MerkleTree.Step> proof = BalanceTree.proof(leaves, i);
                assertThat(BalanceTree.verify(leaves.get(i), proof, root)).as("leaf %d of %d", i, size).isTrue();
                BalanceTree.Leaf forged = new BalanceTree.Leaf(leaves.get(i).account(), "USD", leaves.get(i).balance() + 1);
                assertThat(BalanceTree.verify(forged, proof, root)).as("forged leaf %d of %d", i, size).isFalse();
            }
        }
    }

    @Test
    void anyChangedBalanceChangesTheRoot() {
        List<BalanceTree.Leaf> leaves = List.of(new BalanceTree.Leaf("a:USD", "USD", 1), new BalanceTree.Leaf("b:USD", "USD", 2),
                new BalanceTree.Leaf("c:USD", "USD", 3));
        String root = BalanceTree.root(leaves);
        assertThat(BalanceTree.root(List.of(leaves.get(0), leaves.get(1), new BalanceTree.Leaf("c:USD", "USD", 4))))
                .isNotEqualTo(root);
        assertThat(BalanceTree.root(List.of(leaves.get(0), leaves.get(1)))).isNotEqualTo(root);
    }

    @Test
    void aTreeBuiltOnceHasTheSameRootProvesEveryLeafAndFindsEachAccount() {
        for (int size = 0; size <= 17; size++) {
            List<BalanceTree.Leaf> leaves = leaves(size);
            BalanceTree.Tree tree = BalanceTree.Tree.of(leaves);
            assertThat(tree.root()).as("root of %d", size).isEqualTo(BalanceTree.root(leaves));
            for (int i = 0; i < size; i++) {
                assertThat(tree.indexOf(leaves.get(i).account())).hasValue(i);
                assertThat(BalanceTree.verify(leaves.get(i), tree.proof(i), tree.root())).as("leaf %d of %d", i, size).isTrue();
            }
            assertThat(tree.indexOf("user:acc_999:USD")).isEmpty();
            assertThat(tree.indexOf("a")).isEmpty();
        }
    }

    /** Balances of size accounts, sorted by account. */
    private static List<BalanceTree.Leaf> leaves(int size) {
        List<BalanceTree.Leaf> leaves = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            leaves.add(new BalanceTree.Leaf(String.format("user:acc_%03d:USD", i), "USD", 1_000L * i + 7));
        }
        return leaves;
    }
}

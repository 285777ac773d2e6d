package dev.corral.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Sha256;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the Merkle rules docs/ledger-format.md specifies. Every expected value was
 * computed from that document alone, with Python's hashlib (the snippet is in the document), not
 * with this code: if one fails, the code and the published format disagree.
 */
class MerkleTreeVectorsTest {
    /** leaf i = SHA-256 of the UTF-8 text "leaf-i", as lower-case hex. */
    private static final List<String> LEAVES = List.of(
            "d2dbf006f96dd05044a8f63d8f118f23925ba4cc5750f8b6c8e287fd506c8188",
            "4140bf0e8569ed03ec838871ff2f190e9b3ea86bc083d7e9901049f75f00e855",
            "649837ddcb7e1967086d7d35aaef7b975c513815d96fc6e70015e93a2bfe0f9a",
            "9fde56c376760bd399b82eb8569229a2dff19219411ac71154dfeab2cf502454",
            "697f943b9ec5f90eddda8ae7473f5eb688187e3467f312fefa8677dde255042c");

    @Test
    void theLeavesAreTheHashesOfTheirTexts() {
        for (int i = 0; i < LEAVES.size(); i++) {
            assertThat(Sha256.hex("leaf-" + i)).as("leaf %d", i).isEqualTo(LEAVES.get(i));
        }
    }

    @Test
    void rootsOfZeroToFiveLeaves() {
        assertThat(MerkleTree.root(List.of()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(MerkleTree.root(LEAVES.subList(0, 1)))
                .isEqualTo("d2dbf006f96dd05044a8f63d8f118f23925ba4cc5750f8b6c8e287fd506c8188");
        assertThat(MerkleTree.root(LEAVES.subList(0, 2)))
                .isEqualTo("3437686db0b0c7772c9a270e2c628231f5d489823399c89bc72237e7fc8762dc");
        assertThat(MerkleTree.root(LEAVES.subList(0, 3)))
                .isEqualTo("18c37a5d9e3f7040439c716645c50f76bcd415fb60c3406f7b5c29ae1aaa4ac5");
        assertThat(MerkleTree.root(LEAVES.subList(0, 4)))
                .isEqualTo("da2d52b997f288291f8b4f5078d785905e306d3f763b01134c505e15b72abe58");
        assertThat(MerkleTree.root(LEAVES))
                .isEqualTo("a6702c5c4cdb9daa8ee295a84c98985c5526b39fba4fbdb616c6d3766cef7c9d");
    }

    @Test
    void aTreeBuiltOnceHasTheSameRoots() {
        assertThat(MerkleTree.Levels.of(List.of()).root())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(MerkleTree.Levels.of(LEAVES.subList(0, 3)).root())
                .isEqualTo("18c37a5d9e3f7040439c716645c50f76bcd415fb60c3406f7b5c29ae1aaa4ac5");
        assertThat(MerkleTree.Levels.of(LEAVES).root())
                .isEqualTo("a6702c5c4cdb9daa8ee295a84c98985c5526b39fba4fbdb616c6d3766cef7c9d");
    }

    @Test
    void proofsSkipTheLevelsWhereTheNodeIsCarriedUp() {
        // Three leaves: leaf 2 is carried up once, then meets node(leaf 0, leaf 1) on its left.
        assertThat(MerkleTree.proof(LEAVES.subList(0, 3), 2)).containsExactly(
                new MerkleTree.Step("3437686db0b0c7772c9a270e2c628231f5d489823399c89bc72237e7fc8762dc", true));
        // Five leaves: leaf 4 is carried up twice, then meets the root of leaves 0..3 on its left.
        assertThat(MerkleTree.proof(LEAVES, 4)).containsExactly(
                new MerkleTree.Step("da2d52b997f288291f8b4f5078d785905e306d3f763b01134c505e15b72abe58", true));
        assertThat(MerkleTree.proof(LEAVES, 1)).containsExactly(
                new MerkleTree.Step("d2dbf006f96dd05044a8f63d8f118f23925ba4cc5750f8b6c8e287fd506c8188", true),
                new MerkleTree.Step("de9b0d0ec5f1dc2a51e7e513586a67d7f8f78acd2c1cab5e3708f3028b9d32af", false),
                new MerkleTree.Step("697f943b9ec5f90eddda8ae7473f5eb688187e3467f312fefa8677dde255042c", false));
        assertThat(MerkleTree.verify(LEAVES.get(1), MerkleTree.proof(LEAVES, 1),
                "a6702c5c4cdb9daa8ee295a84c98985c5526b39fba4fbdb616c6d3766cef7c9d")).isTrue();
    }
}

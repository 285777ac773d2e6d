package dev.corral.core.protocol;

import dev.corral.core.merkle.MerkleTree;
import java.util.List;

/** One row of a challenge answer the coordinator asked for, with its Merkle path to the committed root. */
public record OpenedRow(int index, long[] values, List<MerkleTree.Step> proof) {}

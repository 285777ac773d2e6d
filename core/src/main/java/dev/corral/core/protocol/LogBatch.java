package dev.corral.core.protocol;

import java.util.List;

/** Output lines of one rank, numbered from firstSeq so a resent batch is stored once. */
public record LogBatch(int rank, long firstSeq, List<String> lines) {}

package dev.corral.core.api;

import java.util.List;

/** Output lines of a cluster's ranks, in order per rank. */
public record LogView(String clusterId, List<LogLine> lines, boolean truncated) {

    /** One line a rank printed. */
    public record LogLine(int rank, long seq, String line) {}
}

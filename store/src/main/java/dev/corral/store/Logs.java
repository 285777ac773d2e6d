package dev.corral.store;

import dev.corral.core.ClusterId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What each rank printed, numbered per rank; a resent batch is stored once, and each rank is capped. */
public final class Logs {
    public static final int LINES_PER_RANK_MAX = 10_000;
    public static final int LINE_LENGTH_MAX = 4096;

    /** One stored line. */
    public record Line(int rank, long seq, String text) {}

    /** Stores the lines numbered from firstSeq that are new and within the cap; returns how many were stored. */
    public int append(Connection c, ClusterId cluster, int rank, long firstSeq, List<String> lines)
            throws SQLException {
        long next = Sql.number(c, "SELECT COALESCE(MAX(seq) + 1, 0) FROM cluster_log WHERE cluster_id = ? AND rank_no = ?",
                cluster.value(), rank);
        int stored = 0;
        for (int i = 0; i < lines.size(); i++) {
            long seq = firstSeq + i;
            if (seq < next || seq >= LINES_PER_RANK_MAX) {
                continue;
            }
            String text = lines.get(i);
            Sql.update(c, "INSERT INTO cluster_log (cluster_id, rank_no, seq, line) VALUES (?, ?, ?, ?)",
                    cluster.value(), rank, seq, text.length() > LINE_LENGTH_MAX ? text.substring(0, LINE_LENGTH_MAX) : text);
            stored++;
        }
        return stored;
    }

    /**
     * The newest lines of every rank (by their place in their rank's output, the latest first),
     * at most {@code limit}, returned in rank then sequence order: what a page that follows
     * a running cluster shows.
     */
    public List<Line> tail(Connection c, ClusterId cluster, int limit) throws SQLException {
        List<Line> newest = new ArrayList<>(Sql.list(c, "SELECT rank_no, seq, line FROM cluster_log "
                        + "WHERE cluster_id = ? ORDER BY seq DESC, rank_no DESC LIMIT ?",
                row -> new Line(row.getInt(1), row.getLong(2), row.getString(3)), cluster.value(), limit));
        newest.sort(Comparator.comparingInt(Line::rank).thenComparingLong(Line::seq));
        return newest;
    }

    /** Lines in rank then sequence order; rank null reads every rank. */
    public List<Line> read(Connection c, ClusterId cluster, Integer rank, int limit) throws SQLException {
        String where = rank == null ? "" : " AND rank_no = ?";
        Object[] params = rank == null ? new Object[] {cluster.value(), limit} : new Object[] {cluster.value(), rank, limit};
        return Sql.list(c, "SELECT rank_no, seq, line FROM cluster_log WHERE cluster_id = ?" + where
                + " ORDER BY rank_no, seq LIMIT ?", row -> new Line(row.getInt(1), row.getLong(2), row.getString(3)), params);
    }
}

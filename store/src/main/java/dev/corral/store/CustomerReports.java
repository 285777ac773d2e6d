package dev.corral.store;

import dev.corral.core.AccountId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** What the operator reported against customers: abuse, and disputes the customer lost. */
public final class CustomerReports {
    public static final String ABUSE = "ABUSE";
    public static final String DISPUTE = "DISPUTE";

    /** One report. */
    public record Report(String id, AccountId account, String kind, String reason, String clusterId, Instant reportedAt) {}

    /** How many reports of each kind stand against a customer. */
    public record Counts(long abuse, long disputes) {}

    public void insert(Connection c, Report r) throws SQLException {
        Sql.update(c, "INSERT INTO customer_report (id, account_id, kind, reason, cluster_id, reported_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", r.id(), r.account().value(), r.kind(), r.reason(), r.clusterId(),
                r.reportedAt().toEpochMilli());
    }

    public Counts counts(Connection c, AccountId account) throws SQLException {
        return Sql.one(c, "SELECT COALESCE(SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0), "
                + "COALESCE(SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0) FROM customer_report WHERE account_id = ?",
                row -> new Counts(row.getLong(1), row.getLong(2)), ABUSE, DISPUTE, account.value()).orElseThrow();
    }

    /** A customer's reports, newest first. */
    public List<Report> of(Connection c, AccountId account, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM customer_report WHERE account_id = ? ORDER BY reported_at DESC, id LIMIT ?",
                CustomerReports::map, account.value(), limit);
    }

    private static Report map(ResultSet row) throws SQLException {
        return new Report(row.getString("id"), new AccountId(row.getString("account_id")), row.getString("kind"),
                row.getString("reason"), row.getString("cluster_id"), Instant.ofEpochMilli(row.getLong("reported_at")));
    }
}

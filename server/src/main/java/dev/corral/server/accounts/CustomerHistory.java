package dev.corral.server.accounts;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.scheduler.CustomerDiscount;
import dev.corral.store.Clusters;
import dev.corral.store.CustomerReports;
import java.sql.Connection;
import java.sql.SQLException;

/** What counts for and against a customer, for its reputation and discount: clusters run to their end, reports. */
public final class CustomerHistory {
    private final Clusters clusters;
    private final CustomerReports reports;

    public CustomerHistory(Clusters clusters, CustomerReports reports) {
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.reports = requireNonNull(reports, "reports is null");
    }

    /** The customer's history as the caller's transaction sees it. */
    public CustomerDiscount.History of(Connection c, AccountId customer) throws SQLException {
        CustomerReports.Counts counts = reports.counts(c, customer);
        return new CustomerDiscount.History(clusters.countRunToEnd(c, customer), counts.abuse(), counts.disputes());
    }
}

package dev.corral.server;

import dev.corral.core.publicledger.Pseudonyms;
import dev.corral.store.Accounts;
import dev.corral.store.ApiKeys;
import dev.corral.store.Challenges;
import dev.corral.store.Clusters;
import dev.corral.store.CustomerReports;
import dev.corral.store.Database;
import dev.corral.store.Devices;
import dev.corral.store.Epochs;
import dev.corral.store.JoinTokens;
import dev.corral.store.Ledger;
import dev.corral.store.Logs;
import dev.corral.store.NetworkSamples;
import dev.corral.store.Oracle;
import dev.corral.store.Quotes;
import dev.corral.store.Settings;
import dev.corral.store.Stakes;
import dev.corral.store.TelemetrySamples;
import dev.corral.store.WebSessions;

/** The database and its repositories, as the services use them. */
public record Store(Database db, Accounts accounts, ApiKeys apiKeys, Devices devices, Clusters clusters, Ledger ledger,
        JoinTokens joinTokens,
        Logs logs, Settings settings, Epochs epochs, Oracle oracle, Stakes stakes, Challenges challenges,
        Quotes quotes, CustomerReports customerReports, NetworkSamples networkSamples, WebSessions webSessions,
        TelemetrySamples telemetrySamples) {

    /** The repositories over the database, the journal chained over its pseudonymous public form. */
    public static Store on(Database db, Pseudonyms pseudonyms) {
        Ledger ledger = new Ledger(pseudonyms::publicForm);
        return new Store(db, new Accounts(), new ApiKeys(), new Devices(), new Clusters(), ledger, new JoinTokens(),
                new Logs(), new Settings(), new Epochs(), new Oracle(), new Stakes(),
                new Challenges(), new Quotes(), new CustomerReports(), new NetworkSamples(),
                new WebSessions(), new TelemetrySamples());
    }
}

package dev.corral.server.tokens;

import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Pseudonyms;
import dev.corral.ledger.LedgerAudit;
import dev.corral.store.Database;
import dev.corral.store.Epochs;
import dev.corral.store.Ledger;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's check of its own store when it starts, before it writes anything: the whole
 * journal replayed, a page at a time, against the epoch records it signed, as `corral ledger
 * verify` does from outside, and the balances the store keeps against the replayed ones. A coordinator must not sign new epochs over a journal changed behind
 * its back, so where they disagree it refuses to start and says where.
 */
public final class OwnLedgerCheck {
    private static final Logger LOG = LoggerFactory.getLogger(OwnLedgerCheck.class);

    private OwnLedgerCheck() {}

    /** Throws IllegalStateException, naming the first discrepancy, when the store's ledger is not what was signed. */
    public static void verify(Database db, Ledger ledger, Epochs epochs, PublicKey coordinatorKey,
            Pseudonyms pseudonyms) {
        refuseRealNamedChain(db, ledger, pseudonyms);
        List<EpochRecord> records = new ArrayList<>();
        for (List<EpochRecord> page = db.transaction(c -> epochs.from(c, 0, EpochRecord.PAGE_MAX)); !page.isEmpty(); ) {
            records.addAll(page);
            long next = page.getLast().epoch() + 1;
            page = db.transaction(c -> epochs.from(c, next, EpochRecord.PAGE_MAX));
        }
        LedgerAudit.Report report = LedgerAudit.verify(new JournalPages(db, ledger, pseudonyms), records, coordinatorKey);
        Optional<String> problem = report.problem().map(Object::toString);
        if (problem.isEmpty()) {
            // The next epoch is signed over the balances kept beside the journal: they must be the journal's.
            Map<String, Long> replayed = new TreeMap<>();
            report.balances().forEach((account, balance) -> {
                if (balance != 0) {
                    replayed.put(account, balance);
                }
            });
            Map<String, Long> stored = db.transaction(ledger::nonZeroBalances);
            Map<String, String> realByPublic = new TreeMap<>();
            for (String account : stored.keySet()) {
                String earlier = realByPublic.putIfAbsent(pseudonyms.account(account), account);
                if (earlier != null && problem.isEmpty()) {
                    // A row named like a pseudonym beside the account it stands for: balances moved between names.
                    problem = Optional.of("balances of " + earlier + " and " + account + ": both are "
                            + pseudonyms.account(account) + " in the public journal");
                }
            }
            Map<String, Long> kept = new TreeMap<>(EpochService.publicBalances(pseudonyms, stored));
            if (problem.isEmpty() && !kept.equals(replayed)) {
                String account = kept.keySet().stream().filter(a -> !kept.get(a).equals(replayed.get(a))).findFirst()
                        .orElseGet(() -> replayed.keySet().stream().filter(a -> !kept.containsKey(a)).findFirst()
                                .orElse("?"));
                problem = Optional.of("balance of " + account + ": the store keeps " + kept.get(account)
                        + " but the journal adds up to " + replayed.get(account));
            }
        }
        problem.ifPresent(where -> {
            throw new IllegalStateException("the store's ledger disagrees with the epochs this coordinator signed, at "
                    + where + ": refusing to start. Restore the store from a backup taken before the change (`corral "
                    + "ledger verify` against a copy shows what differs); do not start a coordinator over it");
        });
        LOG.info("ledger checked: {} journal entries against {} signed epochs", report.entriesChecked(),
                report.epochsChecked());
    }

    /**
     * Refuses a store whose journal an earlier version chained over real account names: its
     * public journal cannot be made pseudonymous without rewriting history its epochs signed.
     */
    private static void refuseRealNamedChain(Database db, Ledger ledger, Pseudonyms pseudonyms) {
        List<JournalEntry> first = db.transaction(c -> ledger.journal(c, 0, 1));
        if (first.isEmpty()) {
            return;
        }
        JournalEntry entry = first.getFirst();
        boolean publicChain = entry.hash().equals(JournalEntry.hashOf(entry.seq(),
                pseudonyms.publicForm(entry.transfer()), entry.createdAtMillis(), entry.prevHash()));
        boolean realChain = entry.hash().equals(JournalEntry.hashOf(entry.seq(), entry.transfer(),
                entry.createdAtMillis(), entry.prevHash()));
        if (!publicChain && realChain) {
            throw new IllegalStateException("this store's journal was chained over real account names by an earlier "
                    + "version, and its public journal cannot be made pseudonymous without rewriting history its "
                    + "epochs signed: refusing to start. Start a new network on a new store (or run the version that "
                    + "made it)");
        }
    }

    /** The journal read a page at a time, in order, in its public form (what its chain was computed over). */
    private static final class JournalPages implements Iterator<JournalEntry> {
        private final Database db;
        private final Ledger ledger;
        private final Pseudonyms pseudonyms;
        private List<JournalEntry> page = List.of();
        private int next;
        private long after;
        private boolean ended;

        JournalPages(Database db, Ledger ledger, Pseudonyms pseudonyms) {
            this.db = db;
            this.ledger = ledger;
            this.pseudonyms = pseudonyms;
        }

        @Override
        public boolean hasNext() {
            if (next < page.size()) {
                return true;
            }
            if (ended) {
                return false;
            }
            long from = after;
            page = db.transaction(c -> ledger.journal(c, from, JournalEntry.PAGE_MAX));
            next = 0;
            ended = page.size() < JournalEntry.PAGE_MAX;
            if (!page.isEmpty()) {
                after = page.getLast().seq();
            }
            return !page.isEmpty();
        }

        @Override
        public JournalEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pseudonyms.publicForm(page.get(next++));
        }
    }
}

package dev.corral.ledger;

import dev.corral.core.Currency;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Transfer;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks the public ledger with nothing but what the coordinator publishes: every journal
 * entry's place and hash, balances replayed from the first transfer (no account but the
 * sources below zero, every currency summing to zero), and at each epoch record the chain
 * head, the balance root, the supply figures against the emission schedule and the cap, and
 * the coordinator's signature. It stops at the first discrepancy and says where it is.
 */
public final class LedgerAudit {
    /** Where the first discrepancy is ("journal entry 17", "epoch 3") and what is wrong there. */
    public record Problem(String where, String what) {
        @Override
        public String toString() {
            return where + ": " + what;
        }
    }

    /** How much was checked, the balances replayed, and the first problem if any. */
    public record Report(long entriesChecked, long epochsChecked, Map<String, Long> balances, Optional<Problem> problem) {}

    private LedgerAudit() {}

    public static Report verify(List<JournalEntry> entries, List<EpochRecord> epochs, PublicKey coordinatorKey) {
        return verify(entries.iterator(), epochs, coordinatorKey);
    }

    /**
     * The same over entries read one at a time, in journal order: memory for the balances and
     * the epoch records only, whatever the journal's length (the coordinator checks its own
     * store this way when it starts).
     */
    public static Report verify(Iterator<JournalEntry> entries, List<EpochRecord> epochs, PublicKey coordinatorKey) {
        Map<String, Long> balances = new HashMap<>();
        String head = JournalEntry.GENESIS_HASH;
        int nextEpoch = 0;
        long checked = 0;
        for (long seqNow = 0; ; seqNow++) {
            while (nextEpoch < epochs.size() && epochs.get(nextEpoch).journalSeq() == seqNow) {
                Optional<Problem> problem = checkEpoch(epochs.get(nextEpoch), nextEpoch, epochs.getFirst(), head, balances,
                        coordinatorKey);
                if (problem.isPresent()) {
                    return new Report(checked, nextEpoch, balances, problem);
                }
                nextEpoch++;
            }
            if (nextEpoch < epochs.size() && epochs.get(nextEpoch).journalSeq() < seqNow) {
                return new Report(checked, nextEpoch, balances, Optional.of(new Problem("epoch " + epochs.get(nextEpoch).epoch(),
                        "its journal position " + epochs.get(nextEpoch).journalSeq() + " is out of order")));
            }
            if (!entries.hasNext()) {
                break;
            }
            JournalEntry entry = entries.next();
            String where = "journal entry " + (seqNow + 1);
            if (entry.seq() != seqNow + 1) {
                return problem(checked, nextEpoch, balances, where, "has position " + entry.seq() + ", expected "
                        + (seqNow + 1) + " (an entry was dropped, added or reordered)");
            }
            if (!entry.prevHash().equals(head)) {
                return problem(checked, nextEpoch, balances, where, "does not follow the entry before it (previous hash "
                        + "differs)");
            }
            String expected = JournalEntry.hashOf(entry.seq(), entry.transfer(), entry.createdAtMillis(), entry.prevHash());
            if (!expected.equals(entry.hash())) {
                return problem(checked, nextEpoch, balances, where, "its content does not match its hash (it was changed)");
            }
            Transfer t = entry.transfer();
            long amount = t.amount().minor();
            long debit = balances.merge(t.debitAccount(), -amount, Long::sum);
            balances.merge(t.creditAccount(), amount, Long::sum);
            if (debit < 0 && !LedgerAccounts.mayGoNegative(t.debitAccount())) {
                return problem(checked, nextEpoch, balances, where, t.debitAccount() + " goes below zero");
            }
            head = entry.hash();
            checked++;
        }
        if (nextEpoch < epochs.size()) {
            return problem(checked, nextEpoch, balances, "epoch " + epochs.get(nextEpoch).epoch(),
                    "points at journal position " + epochs.get(nextEpoch).journalSeq() + " past the journal's end");
        }
        return new Report(checked, nextEpoch, balances, Optional.empty());
    }

    private static Optional<Problem> checkEpoch(EpochRecord record, int index, EpochRecord first, String head,
            Map<String, Long> balances, PublicKey key) {
        String where = "epoch " + record.epoch();
        if (record.epoch() != index) {
            return Optional.of(new Problem(where, "expected epoch " + index + " here (a record was dropped or reordered)"));
        }
        if (!record.signatureValid(key)) {
            return Optional.of(new Problem(where, "the coordinator's signature does not match the record"));
        }
        if (!inSchedule(record, first)) {
            long length = first.endsAtMillis() - first.startsAtMillis();
            return Optional.of(new Problem(where, "its window [" + record.startsAtMillis() + ", " + record.endsAtMillis()
                    + ") is not epoch " + record.epoch() + " of the network's schedule (epochs of " + length
                    + " ms from " + first.startsAtMillis() + "): the epoch length or the genesis changed, and with it "
                    + "the pace of emission"));
        }
        if (!record.journalHead().equals(head)) {
            return Optional.of(new Problem(where, "its journal head differs from the replayed chain"));
        }
        List<BalanceTree.Leaf> leaves = leaves(balances);
        if (leaves.size() != record.balances() || !BalanceTree.root(leaves).equals(record.balanceRoot())) {
            return Optional.of(new Problem(where, "its balance root differs from the replayed balances"));
        }
        long minted = -balances.getOrDefault(LedgerAccounts.mint(Currency.IO), 0L);
        long burned = balances.getOrDefault(LedgerAccounts.burn(Currency.IO), 0L);
        if (record.minted() != minted || record.burned() != burned || record.supply() != minted - burned) {
            return Optional.of(new Problem(where, "its supply figures differ from the replayed ones"));
        }
        if (record.blockEmission() != EmissionSchedule.blockEmission(record.epoch())
                || minted != EmissionSchedule.supplyAfter(record.epoch() + 1)) {
            return Optional.of(new Problem(where, "IO minted (" + minted + ") is not what the emission schedule allows ("
                    + EmissionSchedule.supplyAfter(record.epoch() + 1) + ")"));
        }
        if (record.supply() > EmissionSchedule.HARD_CAP) {
            return Optional.of(new Problem(where, "supply passes the cap"));
        }
        for (Map.Entry<Currency, Long> sum : currencySums(balances).entrySet()) {
            if (sum.getValue() != 0) {
                return Optional.of(new Problem(where, sum.getKey() + " balances sum to " + sum.getValue()));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the record's window is the one the first record fixes: every epoch lasts as long
     * as the first (its signed window), and epoch n starts n lengths after it. The length sets
     * the pace at which blocks are minted, so it may not change.
     */
    static boolean inSchedule(EpochRecord record, EpochRecord first) {
        long length = first.endsAtMillis() - first.startsAtMillis();
        return length > 0 && record.endsAtMillis() - record.startsAtMillis() == length
                && record.startsAtMillis() == first.startsAtMillis() + record.epoch() * length;
    }

    /** The non-zero balances as sorted leaves, the way the coordinator builds the tree. */
    public static List<BalanceTree.Leaf> leaves(Map<String, Long> balances) {
        List<BalanceTree.Leaf> leaves = new ArrayList<>();
        new TreeMap<>(balances).forEach((account, balance) -> {
            if (balance != 0) {
                leaves.add(new BalanceTree.Leaf(account, currencyOf(account), balance));
            }
        });
        return leaves;
    }

    /** Every ledger account name ends with its currency. */
    public static String currencyOf(String account) {
        return account.substring(account.lastIndexOf(':') + 1);
    }

    /** Each currency's sum, in the currencies' declared order (USD, IO, IOSD), as the spec lists them. */
    private static Map<Currency, Long> currencySums(Map<String, Long> balances) {
        Map<Currency, Long> sums = new EnumMap<>(Currency.class);
        balances.forEach((account, balance) -> sums.merge(Currency.valueOf(currencyOf(account)), balance, Long::sum));
        return sums;
    }

    private static Report problem(long checked, int epochs, Map<String, Long> balances, String where, String what) {
        return new Report(checked, epochs, balances, Optional.of(new Problem(where, what)));
    }
}

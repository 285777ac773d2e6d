package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.Money;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.Genesis;
import dev.corral.ledger.LedgerAccounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The double-entry ledger on the store. Each transfer debits one account and credits
 * another by the same amount inside the caller's transaction, so every currency's
 * balances always sum to zero; a debit that would take a non-system account below zero
 * fails the whole transaction. A transfer whose idempotency key was seen before is not
 * applied again, even when two first tries of it run at once. Every applied transfer is
 * appended to the public journal's hash chain; the chain's head row is locked from the
 * idempotency check to the commit, so entries take their places one transaction at a time.
 * The chain is computed over each transfer's public form (the coordinator's pseudonyms,
 * {@code Pseudonyms}), which is what the public journal serves; the store keeps the real names.
 */
public final class Ledger {
    private static final List<String> JOURNAL_COLUMNS = List.of("idempotency_key", "debit_account", "credit_account",
            "amount", "currency", "kind", "cluster_id", "created_at", "seq", "prev_hash", "entry_hash");
    /** One currency's totals: the sum of balances (zero when sound), money from outside, fees, transfer count. */
    public record Totals(Currency currency, long balanceSum, long fundedFromOutside, long networkFees, long transfers) {}

    /** A transfer as applied: its place in the journal, what it moved, and when. */
    public record Entry(long seq, Transfer transfer, Instant createdAt) {}

    private final UnaryOperator<Transfer> publicForm;

    /** A ledger whose journal is public as stored (the store's own tests). */
    public Ledger() {
        this(UnaryOperator.identity());
    }

    /** A ledger whose journal is chained over each transfer's public form. */
    public Ledger(UnaryOperator<Transfer> publicForm) {
        this.publicForm = publicForm;
    }

    /** The idempotency key was used before for a different transfer: a caller reused a key for a new request. */
    public static final class IdempotencyConflictException extends RuntimeException {
        IdempotencyConflictException(String key) {
            super("the idempotency key was already used for a different request (" + key
                    + "): use a new key for a new request");
        }
    }

    /** The debit would take an account below zero. */
    public static final class InsufficientFundsException extends RuntimeException {
        private final String account;

        InsufficientFundsException(String account, Money needed) {
            super("balance of " + account + " is short of " + needed);
            this.account = account;
        }

        public String account() {
            return account;
        }
    }

    /**
     * Opens the system accounts of every currency and mints the genesis IO to its holders;
     * safe to call on every start (genesis transfers have fixed idempotency keys).
     */
    public void openSystemAccounts(Connection c, Instant now) throws SQLException {
        for (Currency currency : Currency.values()) {
            open(c, LedgerAccounts.external(currency), currency);
            open(c, LedgerAccounts.networkFee(currency), currency);
            open(c, LedgerAccounts.mint(currency), currency);
            open(c, LedgerAccounts.burn(currency), currency);
            open(c, LedgerAccounts.marketMaker(currency), currency);
        }
        List<Transfer> genesis = new ArrayList<>();
        for (Genesis.Allocation allocation : Genesis.ALLOCATIONS) {
            open(c, allocation.account(), Currency.IO);
            genesis.add(new Transfer("genesis:" + allocation.bucket(), LedgerAccounts.mint(Currency.IO),
                    allocation.account(), new Money(allocation.baseUnits(), Currency.IO), TransferKind.GENESIS, null));
        }
        apply(c, genesis, now);
    }

    /** IO ever minted (genesis and block rewards), ever burned, and so in existence now, in base units. */
    public record Supply(long minted, long burned, long current) {}

    public Supply supply(Connection c) throws SQLException {
        long minted = -balance(c, LedgerAccounts.mint(Currency.IO), Currency.IO).minor();
        long burned = balance(c, LedgerAccounts.burn(Currency.IO), Currency.IO).minor();
        return new Supply(minted, burned, minted - burned);
    }

    public void open(Connection c, String account, Currency currency) throws SQLException {
        if (Sql.number(c, "SELECT COUNT(*) FROM ledger_account WHERE id = ?", account) == 0) {
            Sql.update(c, "INSERT INTO ledger_account (id, currency, balance, may_go_negative) VALUES (?, ?, 0, ?)",
                    account, currency.name(), LedgerAccounts.mayGoNegative(account));
        }
    }

    /**
     * Applies the transfers in order. Returns how many were new; a key already applied with
     * the same content is skipped, one applied with different content is an error.
     */
    public int apply(Connection c, List<Transfer> transfers, Instant now) throws SQLException {
        // The head lock first, then the keys: a concurrent first try of the same key has then either committed
        // (its transfer is found) or not begun, so it is never inserted twice.
        Head head = lockHead(c);
        Map<String, Transfer> seen = existing(c, transfers.stream().map(Transfer::idempotencyKey).distinct().toList());
        List<Transfer> fresh = new ArrayList<>();
        for (Transfer transfer : transfers) {
            Transfer before = seen.putIfAbsent(transfer.idempotencyKey(), transfer);
            if (before == null) {
                fresh.add(transfer);
            } else if (!before.equals(transfer)) {
                throw new IdempotencyConflictException(transfer.idempotencyKey());
            }
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        Map<String, Balance> balances = readAccounts(c, fresh);
        // Replayed in order, as the public verifier will: a debit may not take a non-source account below zero
        // even for a moment inside the batch.
        List<Object[]> rows = new ArrayList<>(fresh.size());
        for (Transfer transfer : fresh) {
            Balance debit = account(balances, transfer.debitAccount(), transfer);
            Balance credit = account(balances, transfer.creditAccount(), transfer);
            long amount = transfer.amount().minor();
            if (!debit.mayGoNegative() && debit.balance() < amount) {
                throw new InsufficientFundsException(transfer.debitAccount(), transfer.amount());
            }
            balances.put(transfer.debitAccount(), debit.plus(-amount));
            balances.put(transfer.creditAccount(), credit.plus(amount));
            JournalEntry entry = JournalEntry.chain(head.seq() + 1, publicForm.apply(transfer), now.toEpochMilli(),
                    head.hash());
            rows.add(new Object[] {transfer.idempotencyKey(), transfer.debitAccount(), transfer.creditAccount(), amount,
                    transfer.amount().currency().name(), transfer.kind().name(), transfer.clusterId(), now.toEpochMilli(),
                    entry.seq(), entry.prevHash(), entry.hash()});
            head = new Head(entry.seq(), entry.hash());
        }
        boolean postgres = PostgresBulk.on(c);
        writeBalances(c, balances, postgres);
        if (postgres) {
            PostgresBulk.copy(c, "ledger_transfer", JOURNAL_COLUMNS, rows);
        } else {
            Sql.insertAll(c, "INSERT INTO ledger_transfer (" + String.join(", ", JOURNAL_COLUMNS) + ")",
                    JOURNAL_COLUMNS.size(), rows);
        }
        Sql.update(c, "UPDATE journal_head SET seq = ?, head_hash = ? WHERE id = 1", head.seq(), head.hash());
        countTransfers(c, fresh);
        return fresh.size();
    }

    /** Adds the batch to each currency's transfer count (the caller holds the head lock, so no two add at once). */
    private static void countTransfers(Connection c, List<Transfer> batch) throws SQLException {
        Map<Currency, Long> counts = new EnumMap<>(Currency.class);
        batch.forEach(transfer -> counts.merge(transfer.amount().currency(), 1L, Long::sum));
        for (Map.Entry<Currency, Long> count : counts.entrySet()) {
            if (Sql.update(c, "UPDATE ledger_transfer_count SET transfers = transfers + ? WHERE currency = ?",
                    count.getValue(), count.getKey().name()) == 0) {
                Sql.update(c, "INSERT INTO ledger_transfer_count (currency, transfers) VALUES (?, ?)",
                        count.getKey().name(), count.getValue());
            }
        }
    }

    /** Writes the balances the batch changed: one statement from arrays on PostgreSQL, a JDBC batch on H2. */
    private static void writeBalances(Connection c, Map<String, Balance> balances, boolean postgres)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        balances.forEach((id, balance) -> {
            if (balance.changed()) {
                ids.add(id);
                values.add(balance.balance());
            }
        });
        if (postgres) {
            PostgresBulk.updateLongs(c, "ledger_account", "id", "balance", ids, values);
            return;
        }
        List<Object[]> updates = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            updates.add(new Object[] {values.get(i), ids.get(i)});
        }
        Sql.batch(c, "UPDATE ledger_account SET balance = ? WHERE id = ?", updates);
    }

    /** A ledger account's balance while a batch is applied. */
    private record Balance(String currency, long balance, boolean mayGoNegative, boolean changed) {
        Balance plus(long delta) {
            return new Balance(currency, Math.addExact(balance, delta), mayGoNegative, true);
        }
    }

    private static Balance account(Map<String, Balance> balances, String id, Transfer transfer) {
        Balance balance = balances.get(id);
        if (balance == null || !balance.currency().equals(transfer.amount().currency().name())) {
            throw new IllegalStateException("no ledger account " + id + " in " + transfer.amount().currency());
        }
        return balance;
    }

    /** The transfers among these that were applied before, by idempotency key. */
    /** The transfer applied under this idempotency key, if one was. */
    public Optional<Transfer> applied(Connection c, String idempotencyKey) throws SQLException {
        return Optional.ofNullable(existing(c, List.of(idempotencyKey)).get(idempotencyKey));
    }

    private static Map<String, Transfer> existing(Connection c, List<String> keys) throws SQLException {
        Map<String, Transfer> found = new HashMap<>();
        Sql.RowMapper<Void> collect = row -> {
            Entry entry = map(row);
            found.put(entry.transfer().idempotencyKey(), entry.transfer());
            return null;
        };
        Sql.listJoined(c, "SELECT t.* FROM UNNEST(?) AS k(idempotency_key) "
                + "JOIN ledger_transfer t ON t.idempotency_key = k.idempotency_key", keys, collect);
        return found;
    }

    /**
     * Reads the balances of every account the transfers touch. No row locks: only this class
     * writes balances, always holding the journal's head lock, so once the caller holds it the
     * committed balances cannot change under it (READ COMMITTED reads them fresh).
     */
    private static Map<String, Balance> readAccounts(Connection c, List<Transfer> transfers) throws SQLException {
        TreeMap<String, Balance> balances = new TreeMap<>();
        List<String> ids = transfers.stream().flatMap(t -> Stream.of(t.debitAccount(), t.creditAccount()))
                .distinct().toList();
        Sql.RowMapper<Void> collect = row -> {
            balances.put(row.getString(1), new Balance(row.getString(2), row.getLong(3), row.getBoolean(4), false));
            return null;
        };
        Sql.listJoined(c, "SELECT a.id, a.currency, a.balance, a.may_go_negative FROM UNNEST(?) AS k(id) "
                + "JOIN ledger_account a ON a.id = k.id", ids, collect);
        return balances;
    }

    /** The journal's last position and hash. */
    public record Head(long seq, String hash) {}

    /** The journal's head as last committed, without locking it: for readers. */
    public Head head(Connection c) throws SQLException {
        return Sql.one(c, "SELECT seq, head_hash FROM journal_head WHERE id = 1",
                row -> new Head(row.getLong(1), row.getString(2))).orElseThrow();
    }

    /** Locks the journal's head until the transaction ends; every writer of the ledger takes this lock first. */
    public Head lockHead(Connection c) throws SQLException {
        return Sql.one(c, "SELECT seq, head_hash FROM journal_head WHERE id = 1 FOR UPDATE",
                row -> new Head(row.getLong(1), row.getString(2))).orElseThrow();
    }

    /** Journal entries after a position, in order, at most limit of them. */
    public List<JournalEntry> journal(Connection c, long afterSeq, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM ledger_transfer WHERE seq > ? ORDER BY seq LIMIT ?", row -> new JournalEntry(
                row.getLong("seq"), map(row).transfer(), row.getLong("created_at"), row.getString("prev_hash"),
                row.getString("entry_hash")), afterSeq, limit);
    }

    /** Every non-zero balance, by account (sorted as Java sorts strings, not as the database collates). */
    public Map<String, Long> nonZeroBalances(Connection c) throws SQLException {
        Map<String, Long> balances = new TreeMap<>();
        Sql.list(c, "SELECT id, balance FROM ledger_account WHERE balance <> 0", row -> {
            balances.put(row.getString(1), row.getLong(2));
            return null;
        });
        return balances;
    }

    /** Records that suppliers sold compute worth these micro-USD (their pay before any IO share was taken). */
    public void recordComputePoints(Connection c, Map<String, Long> usdMicrosBySupplierWallet, Instant now)
            throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        usdMicrosBySupplierWallet.forEach((wallet, micros) -> {
            if (micros > 0) {
                rows.add(new Object[] {now.toEpochMilli(), LedgerAccounts.sameUserIn(wallet, Currency.USD), micros});
            }
        });
        Sql.batch(c, "INSERT INTO compute_points (created_at, wallet, usd_micros) VALUES (?, ?, ?)", rows);
    }

    /** Each supplier's compute points in [from, to), by USD wallet: what an epoch's compute rewards are split by. */
    public Map<String, Long> computePointsBetween(Connection c, Instant from, Instant to) throws SQLException {
        Map<String, Long> points = new TreeMap<>();
        Sql.list(c, "SELECT wallet, SUM(usd_micros) FROM compute_points WHERE created_at >= ? AND created_at < ? "
                + "GROUP BY wallet", row -> {
                    points.put(row.getString(1), row.getLong(2));
                    return null;
                }, from.toEpochMilli(), to.toEpochMilli());
        return points;
    }

    /** Refuses a store whose transfers predate the journal: their history cannot be proven. */
    public void requireChained(Connection c) throws SQLException {
        if (Sql.number(c, "SELECT COUNT(*) FROM ledger_transfer WHERE seq IS NULL") > 0) {
            throw new IllegalStateException("this store holds transfers from before the public journal; "
                    + "start the coordinator on a new data directory or database");
        }
    }

    public Money balance(Connection c, String account, Currency currency) throws SQLException {
        return new Money(Sql.number(c, "SELECT balance FROM ledger_account WHERE id = ? AND currency = ?",
                account, currency.name()), currency);
    }

    /** What each kind of transfer moved for a cluster. */
    public Map<TransferKind, Money> clusterSums(Connection c, String clusterId, Currency currency) throws SQLException {
        Map<TransferKind, Money> sums = new EnumMap<>(TransferKind.class);
        for (TransferKind kind : TransferKind.values()) {
            sums.put(kind, Money.zero(currency));
        }
        Sql.list(c, "SELECT kind, SUM(amount) AS total FROM ledger_transfer WHERE cluster_id = ? AND currency = ? "
                + "GROUP BY kind", row -> {
                    sums.put(TransferKind.valueOf(row.getString("kind")), new Money(row.getLong("total"), currency));
                    return null;
                }, clusterId, currency.name());
        return sums;
    }

    /** Total supplier payments credited to an account: what its devices earned. */
    public Money earned(Connection c, String account, Currency currency) throws SQLException {
        return creditedOfKind(c, account, currency, TransferKind.SUPPLIER_PAYMENT);
    }

    /** Everything of one kind ever credited to an account. */
    public Money creditedOfKind(Connection c, String account, Currency currency, TransferKind kind) throws SQLException {
        return new Money(Sql.number(c, "SELECT COALESCE(SUM(amount), 0) FROM ledger_transfer "
                + "WHERE credit_account = ? AND currency = ? AND kind = ?", account, currency.name(), kind.name()),
                currency);
    }

    /** IO block rewards (availability and compute) ever minted to a wallet. */
    public Money rewarded(Connection c, String ioWallet) throws SQLException {
        return new Money(Sql.number(c, "SELECT COALESCE(SUM(amount), 0) FROM ledger_transfer WHERE credit_account = ? "
                + "AND kind IN (?, ?)", ioWallet, TransferKind.AVAILABILITY_REWARD.name(),
                TransferKind.COMPUTE_REWARD.name()), Currency.IO);
    }

    public List<Totals> totals(Connection c) throws SQLException {
        return totals(c, balanceSums(c));
    }

    /**
     * Each currency's totals with its balance sum as given: the sum reads every account, the
     * rest a few rows (transfers are counted as they are applied).
     */
    public List<Totals> totals(Connection c, Map<Currency, Long> balanceSums) throws SQLException {
        List<Totals> totals = new ArrayList<>();
        for (Currency currency : Currency.values()) {
            totals.add(new Totals(currency, balanceSums.getOrDefault(currency, 0L),
                    -balance(c, LedgerAccounts.external(currency), currency).minor(),
                    balance(c, LedgerAccounts.networkFee(currency), currency).minor(),
                    Sql.number(c, "SELECT COALESCE(SUM(transfers), 0) FROM ledger_transfer_count WHERE currency = ?",
                            currency.name())));
        }
        return totals;
    }

    /** The sum of every account's balance, by currency: zero for each when the ledger is sound. A scan of every account. */
    public Map<Currency, Long> balanceSums(Connection c) throws SQLException {
        Map<Currency, Long> sums = new EnumMap<>(Currency.class);
        Sql.list(c, "SELECT currency, SUM(balance) FROM ledger_account GROUP BY currency", row -> {
            sums.put(Currency.valueOf(row.getString(1)), row.getLong(2));
            return null;
        });
        return sums;
    }

    /**
     * The newest transfers that touch an account's wallet or its clusters' escrow, newest first.
     * Each of the three is looked up through its own index and cut to the limit, then they are
     * merged: one condition with ORs walked the whole journal backwards for an account with few
     * transfers.
     */
    public List<Entry> entriesOfOwner(Connection c, AccountId owner, Currency currency, int limit) throws SQLException {
        String wallet = LedgerAccounts.user(owner, currency);
        TreeMap<Long, Entry> bySeq = new TreeMap<>(Comparator.reverseOrder());
        for (Entry entry : Sql.list(c, "SELECT * FROM ledger_transfer WHERE debit_account = ? ORDER BY seq DESC LIMIT ?",
                Ledger::map, wallet, limit)) {
            bySeq.put(entry.seq(), entry);
        }
        for (Entry entry : Sql.list(c, "SELECT * FROM ledger_transfer WHERE credit_account = ? ORDER BY seq DESC LIMIT ?",
                Ledger::map, wallet, limit)) {
            bySeq.put(entry.seq(), entry);
        }
        for (Entry entry : Sql.list(c, "SELECT t.* FROM ledger_transfer t JOIN cluster k ON t.cluster_id = k.id "
                + "WHERE k.owner_id = ? ORDER BY t.seq DESC LIMIT ?", Ledger::map, owner.value(), limit)) {
            bySeq.put(entry.seq(), entry);
        }
        return bySeq.values().stream().limit(limit).toList();
    }

    private static Entry map(ResultSet row) throws SQLException {
        Transfer transfer = new Transfer(row.getString("idempotency_key"), row.getString("debit_account"),
                row.getString("credit_account"),
                new Money(row.getLong("amount"), Currency.valueOf(row.getString("currency"))),
                TransferKind.valueOf(row.getString("kind")), row.getString("cluster_id"));
        return new Entry(row.getLong("seq"), transfer, Instant.ofEpochMilli(row.getLong("created_at")));
    }
}

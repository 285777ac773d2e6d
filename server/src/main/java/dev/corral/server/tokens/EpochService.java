package dev.corral.server.tokens;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.RewardView;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.ledger.Availability;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.EpochClose;
import dev.corral.ledger.LedgerAudit;
import dev.corral.ledger.Settlement;
import dev.corral.proofs.Reputation;
import dev.corral.server.Refusal;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.metrics.Meters;
import dev.corral.store.Challenges;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Devices;
import dev.corral.store.Epochs;
import dev.corral.store.Ledger;
import dev.corral.store.Settings;
import dev.corral.store.Stakes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.KeyPair;
import dev.corral.core.publicledger.Pseudonyms;
import dev.corral.core.api.PseudonymView;
import dev.corral.core.auth.Signatures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Closes epochs: each one mints its block of IO as availability rewards (to devices
 * {@link Availability} finds eligible) and compute rewards, and
 * publishes a record of the journal head, the supply and the balance root, signed with the
 * coordinator's key. Epoch n covers [genesis + n x length, genesis + (n+1) x length), where
 * genesis is the network's first start. A closing holds the journal's head lock from start
 * to commit, so the record describes exactly the ledger it closes over.
 */
public final class EpochService {
    public static final String GENESIS_SETTING = "network_genesis_at";
    static final int EPOCHS_CLOSED_PER_SWEEP_MAX = 24;
    static final int REWARDS_LIMIT_MAX = 1_000;

    private final Database db;
    private final Devices deviceRows;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Settings settings;
    private final Epochs epochs;
    private final Stakes stakes;
    private final Challenges challenges;
    private final DeviceState devices;
    private final Timer closes;
    private final boolean proofRequired;
    private final Clock clock;
    private final Duration length;
    private final int computeShareBasisPoints;
    private final KeyPair key;
    private final Instant genesis;
    /** The public journal's names, derived from the same key as the ledger's chain. */
    private final Pseudonyms pseudonyms;
    private final Map<Long, Block> blockDetails = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Block> eldest) {
            return size() > BLOCK_DETAILS_CACHED;
        }
    };
    /** One epoch's balance tree at a time is built for proofs, and the last one kept. */
    private final ReentrantLock proofTreeLock = new ReentrantLock();
    private EpochTree proofTree;

    private record EpochTree(long epoch, BalanceTree.Tree tree) {}

    public EpochService(Database db, Devices deviceRows, Clusters clusters, Ledger ledger, Settings settings,
            Epochs epochs, Stakes stakes, Challenges challenges, DeviceState devices, MeterRegistry metrics,
            Clock clock, Duration length, int computeShareBasisPoints, boolean proofRequired, KeyPair key) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.epochs = requireNonNull(epochs, "epochs is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.closes = Meters.epochsClosed(metrics);
        this.proofRequired = proofRequired;
        this.clock = requireNonNull(clock, "clock is null");
        this.length = requireNonNull(length, "length is null");
        this.computeShareBasisPoints = computeShareBasisPoints;
        this.key = requireNonNull(key, "key is null");
        this.pseudonyms = Pseudonyms.of(key.getPrivate());
        this.genesis = db.transaction(c -> {
            Optional<String> stored = settings.get(c, GENESIS_SETTING);
            if (stored.isPresent()) {
                return Instant.ofEpochMilli(Long.parseLong(stored.get()));
            }
            Instant now = clock.instant();
            settings.put(c, GENESIS_SETTING, Long.toString(now.toEpochMilli()));
            return now;
        });
        db.transaction(c -> epochs.byEpoch(c, 0)).ifPresent(first -> checkSchedule(first, genesis, length));
    }

    /**
     * Refuses to go on with another schedule than the network's first signed record fixes: a
     * changed epoch length (or genesis) would move every later epoch's window and the pace at
     * which blocks are minted, and `ledger verify` refuses such records.
     */
    static void checkSchedule(EpochRecord first, Instant genesis, Duration length) {
        long signedLength = first.endsAtMillis() - first.startsAtMillis();
        if (signedLength != length.toMillis()) {
            throw new IllegalStateException("this network's epochs last " + signedLength / 1000.0 + " s (its signed "
                    + "record of epoch 0 says so), not " + length.toMillis() / 1000.0 + " s: a new length would change "
                    + "the pace of emission and every later epoch's window. Start it with --epoch-length "
                    + signedLength / 1000);
        }
        if (first.startsAtMillis() != genesis.toEpochMilli()) {
            throw new IllegalStateException("the store's genesis (" + genesis + ") is not where the signed record of "
                    + "epoch 0 starts (" + Instant.ofEpochMilli(first.startsAtMillis()) + "): the setting "
                    + GENESIS_SETTING + " was changed behind the coordinator's back");
        }
    }

    public String publicKey() {
        return AgentSignature.encodePublicKey(key.getPublic());
    }

    /** Closes every epoch that has ended, oldest first, at most {@link #EPOCHS_CLOSED_PER_SWEEP_MAX} per call. */
    public int closeDue() {
        int closed = 0;
        while (closed < EPOCHS_CLOSED_PER_SWEEP_MAX) {
            long next = db.transaction(c -> epochs.nextToClose(c));
            if (clock.instant().isBefore(start(next + 1))) {
                return closed;
            }
            long started = System.nanoTime();
            close(next);
            closes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            closed++;
        }
        return closed;
    }

    private Instant start(long epoch) {
        return genesis.plus(length.multipliedBy(epoch));
    }

    public void close(long epoch) {
        devices.transaction((c, writes) -> {
            ledger.lockHead(c);
            if (epochs.byEpoch(c, epoch).isPresent()) {
                return null;
            }
            Instant from = start(epoch);
            Instant to = start(epoch + 1);
            Set<DeviceId> proven = new HashSet<>();
            if (proofRequired) {
                proven.addAll(challenges.passedBetween(c, from, to));
                proven.addAll(clusters.servedBetween(c, from, to));
            }
            List<EpochClose.Device> earners = deviceRows.uptimeBetween(c, from, to).stream()
                    .map(d -> new EpochClose.Device(d.id(), d.owner(), d.gpuModel(), d.gpuCount(), d.uptimeMillis(),
                            !proofRequired || proven.contains(d.id())))
                    .toList();
            Map<AccountId, EpochClose.Backing> backing = new HashMap<>();
            stakes.activeBacking(c).forEach((target, stakes) ->
                    backing.put(target, new EpochClose.Backing(stakes.stakeByStaker(), stakes.shareBasisPoints())));
            EpochClose.Plan plan = EpochClose.plan(new EpochClose.Inputs(epoch, length.toMillis(), computeShareBasisPoints,
                    earners, ledger.computePointsBetween(c, from, to), backing));
            Instant closedAt = clock.instant();
            for (Map.Entry<DeviceId, Double> down : plan.uptimeShareOfDevicesDown().entrySet()) {
                writes.recordStanding(down.getKey(), s -> Reputation.downtime(s, down.getValue(), closedAt));
            }
            long mintedBefore = ledger.supply(c).minted();
            ledger.apply(c, plan.mints(), clock.instant());
            epochs.insertRewards(c, plan.rewards().stream()
                    .map(r -> new Epochs.Reward(epoch, r.device(), r.owner(), r.amount())).toList());
            epochs.insertNominees(c, epoch, earners.stream().map(d -> new Epochs.Nominee(d.id(), d.owner(),
                    d.uptimeMillis(), d.proven(), plan.availabilityWeightsMilli().getOrDefault(d.id(), 0L))).toList(),
                    plan.rewards().size());
            Ledger.Head head = ledger.lockHead(c);
            List<BalanceTree.Leaf> leaves = LedgerAudit.leaves(publicBalances(pseudonyms, ledger.nonZeroBalances(c)));
            Ledger.Supply supply = ledger.supply(c);
            if (supply.minted() - mintedBefore != plan.blockEmission()
                    || supply.minted() != EmissionSchedule.supplyAfter(epoch + 1)) {
                throw new IllegalStateException("after epoch " + epoch + " the mint shows " + supply.minted()
                        + " IO base units (" + (supply.minted() - mintedBefore) + " this epoch), the schedule "
                        + EmissionSchedule.supplyAfter(epoch + 1) + " (" + plan.blockEmission() + ")");
            }
            epochs.insert(c, new EpochRecord(epoch, from.toEpochMilli(), to.toEpochMilli(), head.seq(), head.hash(),
                    plan.blockEmission(), supply.minted(), supply.burned(), supply.current(), BalanceTree.root(leaves),
                    leaves.size(), null).signedWith(key.getPrivate()));
            return null;
        });
    }

    /** How many blocks have closed: the epoch after the last closed one. */
    public long closed() {
        return db.transaction(c -> epochs.nextToClose(c));
    }

    /** How many entries the journal holds: its head's position. */
    public long journalLength() {
        return db.transaction(c -> ledger.head(c)).seq();
    }

    public List<JournalEntry> journal(long after, int limit) {
        if (after < 0 || limit < 1 || limit > JournalEntry.PAGE_MAX) {
            throw Refusal.invalid("after must be >= 0 and limit 1.." + JournalEntry.PAGE_MAX);
        }
        return db.transaction(c -> ledger.journal(c, after, limit)).stream().map(pseudonyms::publicForm).toList();
    }

    /** Balances under the names the public journal gives their accounts. */
    public static Map<String, Long> publicBalances(Pseudonyms pseudonyms, Map<String, Long> balances) {
        Map<String, Long> named = new HashMap<>();
        balances.forEach((account, balance) -> named.merge(pseudonyms.account(account), balance, Long::sum));
        return named;
    }

    /** The name the public journal gives a ledger account (the same for a system account or a pseudonym). */
    public String publicAccount(String account) {
        return pseudonyms.account(account);
    }

    /**
     * The account's pseudonym, with the coordinator's signature over the statement that it is
     * the account's: its owner can show it to anyone, who checks it with the ledger key.
     */
    public PseudonymView pseudonymOf(AccountId account) {
        String pseudonym = pseudonyms.of(account.value());
        String statement = PseudonymView.statement(account.value(), pseudonym);
        return new PseudonymView(account.value(), pseudonym, statement, Base64.getEncoder().encodeToString(
                Signatures.sign(key.getPrivate(), statement.getBytes(StandardCharsets.UTF_8))));
    }

    public List<EpochRecord> epochs(long from, int limit) {
        if (from < 0 || limit < 1 || limit > EpochRecord.PAGE_MAX) {
            throw Refusal.invalid("from must be >= 0 and limit 1.." + EpochRecord.PAGE_MAX);
        }
        return db.transaction(c -> epochs.from(c, from, limit));
    }

    /** The most epochs' rewards one read of an owner's rewards by day takes (a year of hourly epochs). */
    static final int REWARD_EPOCHS_READ_MAX = 24 * 366;

    /**
     * The owner's availability rewards (IO base units) per UTC day the epoch ended in, over the
     * last {@code span}, newest day first (at most {@link #REWARD_EPOCHS_READ_MAX} epochs read).
     */
    public Map<LocalDate, Long> rewardsByDay(AccountId owner, Duration span) {
        long fromEpoch = Math.max(0, Duration.between(genesis, clock.instant().minus(span)).toMillis() / length.toMillis());
        Map<Long, Long> byEpoch = db.transaction(c -> epochs.rewardsOfOwnerFrom(c, owner, fromEpoch,
                REWARD_EPOCHS_READ_MAX));
        Map<LocalDate, Long> byDay = new TreeMap<>(Comparator.reverseOrder());
        byEpoch.forEach((epoch, amount) -> byDay.merge(start(epoch + 1).atZone(ZoneOffset.UTC).toLocalDate(), amount,
                Long::sum));
        return byDay;
    }

    /** What the next blocks hold out: the next block's emission, the availability share of it, blocks per day. */
    public record RewardOutlook(long nextBlockEmission, int availabilityShareBasisPoints, double blocksPerDay) {}

    public RewardOutlook rewardOutlook() {
        return new RewardOutlook(EmissionSchedule.blockEmission(closed()), Settlement.BASIS_POINTS - computeShareBasisPoints,
                (double) Duration.ofDays(1).toMillis() / length.toMillis());
    }

    /** The blocks whose details are kept in memory: a closed block never changes. */
    static final int BLOCK_DETAILS_CACHED = 32;

    /**
     * One device a block's close considered, under its pseudonym: its time online in the epoch,
     * whether it proved itself, its weight in the availability reward (its score: the reward is
     * split by it; thousandths, 0 where not eligible), its challenges that finished in the epoch,
     * its availability reward.
     */
    public record BlockDevice(String device, long uptimeMillis, boolean proven, long weightMilli,
            int challengesPassed, int challengesFailed, long reward) {}

    /** A closed block with the devices its close considered, in pseudonym order. */
    public record Block(EpochRecord record, List<BlockDevice> devices) {
        public long proven() {
            return devices.stream().filter(BlockDevice::proven).count();
        }

        public long rewarded() {
            return devices.stream().filter(d -> d.reward() > 0).count();
        }
    }

    /** A block with its devices; refused as not found before it closed. */
    public Block block(long epoch) {
        synchronized (blockDetails) {
            Block cached = blockDetails.get(epoch);
            if (cached != null) {
                return cached;
            }
        }
        Block block = db.transaction(c -> {
            EpochRecord record = epochs.byEpoch(c, epoch)
                    .orElseThrow(() -> Refusal.notFound("closed block", Long.toString(epoch)));
            Map<DeviceId, Long> rewards = epochs.rewardsOfEpoch(c, epoch);
            Map<DeviceId, Challenges.Tally> tallies = challenges.tallyFinishedBetween(c,
                    Instant.ofEpochMilli(record.startsAtMillis()), Instant.ofEpochMilli(record.endsAtMillis()));
            List<BlockDevice> devices = new ArrayList<>();
            for (Epochs.Nominee nominee : epochs.nomineesOf(c, epoch)) {
                Challenges.Tally tally = tallies.getOrDefault(nominee.device(), new Challenges.Tally(0, 0));
                devices.add(new BlockDevice(pseudonyms.of(nominee.device().value()), nominee.uptimeMillis(),
                        nominee.proven(), nominee.weightMilli(), tally.passed(), tally.failed(),
                        rewards.getOrDefault(nominee.device(), 0L)));
            }
            devices.sort(Comparator.comparing(BlockDevice::device));
            return new Block(record, List.copyOf(devices));
        });
        synchronized (blockDetails) {
            blockDetails.put(epoch, block);
        }
        return block;
    }

    /** The counts of the closed blocks in [from, to), by epoch; a block closed before they were kept has none. */
    public Map<Long, Epochs.Summary> summaries(long from, long to) {
        return db.transaction(c -> epochs.summaries(c, from, to));
    }

    /** The newest closed epochs, newest first, at most {@code limit}, and how many are closed in all. */
    public record Newest(List<EpochRecord> epochs, long closed) {}

    public Newest newest(int limit) {
        if (limit < 1 || limit > EpochRecord.PAGE_MAX) {
            throw Refusal.invalid("limit must be 1.." + EpochRecord.PAGE_MAX);
        }
        return db.transaction(c -> {
            long closed = epochs.nextToClose(c);
            List<EpochRecord> page = new ArrayList<>(epochs.from(c, Math.max(0, closed - limit), limit));
            Collections.reverse(page);
            return new Newest(List.copyOf(page), closed);
        });
    }

    /**
     * A balance at the close of an epoch, with its path to that epoch's signed root. The tree
     * is replayed from the journal, one epoch's at a time, and the last one built is kept: proofs
     * for the epoch people ask about cost a binary search, not a replay of the whole journal.
     */
    public BalanceTree.Proof proof(String account, long epoch) {
        EpochRecord record = db.transaction(c -> epochs.byEpoch(c, epoch))
                .orElseThrow(() -> Refusal.notFound("closed epoch", Long.toString(epoch)));
        BalanceTree.Tree tree = treeAt(record);
        int index = tree.indexOf(account).orElseThrow(
                () -> Refusal.notFound("non-zero balance at epoch " + epoch + " for", account));
        return new BalanceTree.Proof(epoch, tree.leaf(index), tree.proof(index), record.balanceRoot());
    }

    private BalanceTree.Tree treeAt(EpochRecord record) {
        proofTreeLock.lock();
        try {
            if (proofTree == null || proofTree.epoch() != record.epoch()) {
                proofTree = new EpochTree(record.epoch(), BalanceTree.Tree.of(LedgerAudit.leaves(balancesAt(record))));
            }
            return proofTree.tree();
        } finally {
            proofTreeLock.unlock();
        }
    }

    private Map<String, Long> balancesAt(EpochRecord record) {
        Map<String, Long> balances = new HashMap<>();
        long after = 0;
        while (after < record.journalSeq()) {
            List<JournalEntry> page = journal(after, JournalEntry.PAGE_MAX);
            for (JournalEntry entry : page) {
                if (entry.seq() > record.journalSeq()) {
                    break;
                }
                balances.merge(entry.transfer().debitAccount(), -entry.transfer().amount().minor(), Long::sum);
                balances.merge(entry.transfer().creditAccount(), entry.transfer().amount().minor(), Long::sum);
            }
            after = page.isEmpty() ? record.journalSeq() : page.getLast().seq();
        }
        return balances;
    }

    public List<RewardView> rewards(AccountId owner, int limit) {
        if (limit < 1 || limit > REWARDS_LIMIT_MAX) {
            throw Refusal.invalid("limit must be 1.." + REWARDS_LIMIT_MAX);
        }
        return db.transaction(c -> epochs.rewardsOf(c, owner, limit)).stream()
                .map(r -> new RewardView(r.epoch(), r.device().value(), Amount.of(new Money(r.amount(), Currency.IO))))
                .toList();
    }
}

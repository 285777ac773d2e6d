package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.RewardView;
import dev.corral.core.auth.AgentSignature;
import dev.corral.ledger.BalanceTree;
import dev.corral.ledger.ComputeWeight;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.EpochRecord;
import dev.corral.ledger.EpochRewards;
import dev.corral.ledger.JournalEntry;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.ledger.LedgerAudit;
import dev.corral.ledger.StakerShare;
import dev.corral.ledger.Transfer;
import dev.corral.proofs.Availability;
import dev.corral.proofs.Reputation;
import dev.corral.store.Devices;
import dev.corral.store.Epochs;
import dev.corral.store.Ledger;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Closes epochs: each one mints its block of IO as availability rewards (to devices
 * {@link Availability} finds eligible) and compute rewards, and
 * publishes a record of the journal head, the supply and the balance root, signed with the
 * coordinator's key. Epoch n covers [genesis + n x length, genesis + (n+1) x length), where
 * genesis is the network's first start. A closing holds the journal's head lock from start
 * to commit, so the record describes exactly the ledger it closes over.
 */
final class EpochService {
    static final String GENESIS_SETTING = "network_genesis_at";
    static final int EPOCHS_CLOSED_PER_SWEEP_MAX = 24;
    static final int JOURNAL_PAGE_MAX = 5_000;
    static final int EPOCH_PAGE_MAX = 1_000;
    static final int REWARDS_LIMIT_MAX = 1_000;

    private final Store store;
    private final boolean proofRequired;
    private final Clock clock;
    private final Duration length;
    private final int computeShareBasisPoints;
    private final KeyPair key;
    private final Instant genesis;
    /** One epoch's balance tree at a time is built for proofs, and the last one kept. */
    private final ReentrantLock proofTreeLock = new ReentrantLock();
    private EpochTree proofTree;

    private record EpochTree(long epoch, BalanceTree.Tree tree) {}

    EpochService(Store store, Clock clock, Duration length, int computeShareBasisPoints, boolean proofRequired,
            KeyPair key) {
        this.store = requireNonNull(store, "store is null");
        this.proofRequired = proofRequired;
        this.clock = requireNonNull(clock, "clock is null");
        this.length = requireNonNull(length, "length is null");
        this.computeShareBasisPoints = computeShareBasisPoints;
        this.key = requireNonNull(key, "key is null");
        this.genesis = store.db().transaction(c -> {
            Optional<String> stored = store.settings().get(c, GENESIS_SETTING);
            if (stored.isPresent()) {
                return Instant.ofEpochMilli(Long.parseLong(stored.get()));
            }
            Instant now = clock.instant();
            store.settings().put(c, GENESIS_SETTING, Long.toString(now.toEpochMilli()));
            return now;
        });
    }

    String publicKey() {
        return AgentSignature.encodePublicKey(key.getPublic());
    }

    /** Closes every epoch that has ended, oldest first, at most {@link #EPOCHS_CLOSED_PER_SWEEP_MAX} per call. */
    int closeDue() {
        int closed = 0;
        while (closed < EPOCHS_CLOSED_PER_SWEEP_MAX) {
            long next = store.db().transaction(c -> store.epochs().nextToClose(c));
            if (clock.instant().isBefore(start(next + 1))) {
                return closed;
            }
            close(next);
            closed++;
        }
        return closed;
    }

    private Instant start(long epoch) {
        return genesis.plus(length.multipliedBy(epoch));
    }

    void close(long epoch) {
        store.db().transaction(c -> {
            store.ledger().lockHead(c);
            if (store.epochs().byEpoch(c, epoch).isPresent()) {
                return null;
            }
            Instant from = start(epoch);
            Instant to = start(epoch + 1);
            List<EpochRewards.AvailableDevice> available = new ArrayList<>();
            Map<String, Devices.Earner> byId = new HashMap<>();
            Set<DeviceId> proven = new HashSet<>();
            if (proofRequired) {
                proven.addAll(store.challenges().passedBetween(c, from, to));
                proven.addAll(store.clusters().servedBetween(c, from, to));
            }
            Instant closedAt = clock.instant();
            for (Devices.Earner device : store.devices().uptimeBetween(c, from, to)) {
                if (device.uptimeMillis() < length.toMillis()) {
                    double share = (double) device.uptimeMillis() / length.toMillis();
                    store.devices().recordStanding(c, device.id(), s -> Reputation.downtime(s, share, closedAt));
                }
                if (!Availability.eligible(device.uptimeMillis(), length.toMillis(),
                        !proofRequired || proven.contains(device.id()))) {
                    continue;
                }
                byId.put(device.id().value(), device);
                available.add(new EpochRewards.AvailableDevice(device.id().value(), EpochRewards.ioWallet(device.owner()),
                        ComputeWeight.milli(device.gpuModel(), device.gpuCount())));
            }
            Map<String, Long> computeUsd = new TreeMap<>();
            store.ledger().computePointsBetween(c, from, to).forEach((wallet, usd) ->
                    computeUsd.put(LedgerAccounts.sameUserIn(wallet, Currency.IO), usd));
            long block = EmissionSchedule.blockEmission(epoch);
            EpochRewards.Plan plan = EpochRewards.plan(block, computeShareBasisPoints, available, computeUsd);
            Map<String, StakerShare.Backing> backing = new HashMap<>();
            store.stakes().activeBacking(c).forEach((target, stakes) -> {
                Map<String, Long> stakers = new TreeMap<>();
                stakes.stakeByStaker().forEach((staker, amount) -> stakers.put(EpochRewards.ioWallet(staker), amount));
                backing.put(EpochRewards.ioWallet(target), new StakerShare.Backing(stakers, stakes.shareBasisPoints()));
            });
            List<EpochRewards.Payout> payouts = StakerShare.apply(plan.payouts(), backing);
            List<Transfer> mints = payouts.stream().map(payout -> new Transfer(
                    "epoch:" + epoch + ":" + payout.kind() + ":" + payout.wallet(), LedgerAccounts.mint(Currency.IO),
                    payout.wallet(), new Money(payout.amount(), Currency.IO), payout.kind(), null)).toList();
            Instant now = clock.instant();
            store.ledger().apply(c, mints, now);
            List<Epochs.Reward> rewards = new ArrayList<>();
            for (Map.Entry<String, Long> reward : plan.availabilityByDevice().entrySet()) {
                Devices.Earner device = byId.get(reward.getKey());
                rewards.add(new Epochs.Reward(epoch, device.id(), device.owner(), reward.getValue()));
            }
            store.epochs().insertRewards(c, rewards);
            Ledger.Head head = store.ledger().lockHead(c);
            List<BalanceTree.Leaf> leaves = LedgerAudit.leaves(store.ledger().nonZeroBalances(c));
            Ledger.Supply supply = store.ledger().supply(c);
            if (supply.minted() != EmissionSchedule.supplyAfter(epoch + 1)) {
                throw new IllegalStateException("after epoch " + epoch + " the mint shows " + supply.minted()
                        + " IO base units, the schedule " + EmissionSchedule.supplyAfter(epoch + 1));
            }
            store.epochs().insert(c, new EpochRecord(epoch, from.toEpochMilli(), to.toEpochMilli(), head.seq(), head.hash(),
                    block, supply.minted(), supply.burned(), supply.current(), BalanceTree.root(leaves), leaves.size(), null)
                    .signedWith(key.getPrivate()));
            return null;
        });
    }

    List<JournalEntry> journal(long after, int limit) {
        if (after < 0 || limit < 1 || limit > JOURNAL_PAGE_MAX) {
            throw ApiException.badRequest("after must be >= 0 and limit 1.." + JOURNAL_PAGE_MAX);
        }
        return store.db().transaction(c -> store.ledger().journal(c, after, limit));
    }

    List<EpochRecord> epochs(long from, int limit) {
        if (from < 0 || limit < 1 || limit > EPOCH_PAGE_MAX) {
            throw ApiException.badRequest("from must be >= 0 and limit 1.." + EPOCH_PAGE_MAX);
        }
        return store.db().transaction(c -> store.epochs().from(c, from, limit));
    }

    /**
     * A balance at the close of an epoch, with its path to that epoch's signed root. The tree
     * is replayed from the journal, one epoch's at a time, and the last one built is kept: proofs
     * for the epoch people ask about cost a binary search, not a replay of the whole journal.
     */
    BalanceTree.Proof proof(String account, long epoch) {
        EpochRecord record = store.db().transaction(c -> store.epochs().byEpoch(c, epoch))
                .orElseThrow(() -> ApiException.notFound("closed epoch", Long.toString(epoch)));
        BalanceTree.Tree tree = treeAt(record);
        int index = tree.indexOf(account).orElseThrow(
                () -> ApiException.notFound("non-zero balance at epoch " + epoch + " for", account));
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
            List<JournalEntry> page = journal(after, JOURNAL_PAGE_MAX);
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

    List<RewardView> rewards(AccountId owner, int limit) {
        if (limit < 1 || limit > REWARDS_LIMIT_MAX) {
            throw ApiException.badRequest("limit must be 1.." + REWARDS_LIMIT_MAX);
        }
        return store.db().transaction(c -> store.epochs().rewardsOf(c, owner, limit)).stream()
                .map(r -> new RewardView(r.epoch(), r.device().value(), Amount.of(new Money(r.amount(), Currency.IO))))
                .toList();
    }
}

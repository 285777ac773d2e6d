package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Money;
import dev.corral.core.Telemetry;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.proofs.Reputation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store must do, run against H2 and PostgreSQL by its subclasses. */
abstract class StoreContract {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    Database db;
    final Ledger ledger = new Ledger();
    final Accounts accounts = new Accounts();
    final Devices devices = new Devices();

    abstract Database open();

    abstract void cleanUp();

    abstract boolean isPostgres();

    @BeforeEach
    void openStore() {
        db = open();
        db.transaction(c -> {
            ledger.openSystemAccounts(c, NOW);
            return null;
        });
    }

    @AfterEach
    void closeStore() {
        try {
            db.transaction(c -> {
                for (Ledger.Totals totals : ledger.totals(c)) {
                    assertThat(totals.balanceSum()).as("balances of %s sum to zero", totals.currency()).isZero();
                }
                return null;
            });
        } finally {
            db.close();
            cleanUp();
        }
    }

    AccountId account(String name) {
        AccountId id = AccountId.random();
        db.transaction(c -> {
            accounts.create(c, id, name, "hash-" + id.value(), NOW, null);
            return null;
        });
        return id;
    }

    void fund(AccountId account, long micros, String key) {
        db.transaction(c -> ledger.apply(c, List.of(new Transfer(key, LedgerAccounts.external(Currency.USD),
                LedgerAccounts.user(account, Currency.USD), Money.usd(micros), TransferKind.DEPOSIT, null)), NOW));
    }

    Money balance(AccountId account) {
        return db.transaction(c -> ledger.balance(c, LedgerAccounts.user(account, Currency.USD), Currency.USD));
    }

    @Test
    void aRetriedTransferIsAppliedOnceAndAReusedKeyWithOtherContentIsRefused() {
        AccountId alice = account("alice");
        fund(alice, 5_000_000, "credit:1");
        fund(alice, 5_000_000, "credit:1");
        assertThat(balance(alice).minor()).isEqualTo(5_000_000);
        assertThatThrownBy(() -> fund(alice, 7_000_000, "credit:1"))
                .isInstanceOf(Ledger.IdempotencyConflictException.class).hasMessageContaining("different request");
        assertThat(balance(alice).minor()).isEqualTo(5_000_000);
        db.transaction(c -> {
            assertThat(ledger.totals(c).getFirst().fundedFromOutside()).isEqualTo(5_000_000);
            assertThat(ledger.totals(c).getFirst().transfers()).as("USD transfers").isEqualTo(1);
            return null;
        });
    }

    @Test
    void genesisMintsFiveHundredMillionIoOnceToItsHolders() {
        db.transaction(c -> {
            ledger.openSystemAccounts(c, NOW);
            return null;
        });
        Ledger.Supply supply = db.transaction(c -> ledger.supply(c));
        assertThat(supply.minted()).isEqualTo(500_000_000L * 1_000_000_000L);
        assertThat(supply.burned()).isZero();
        Money community = db.transaction(c -> ledger.balance(c, LedgerAccounts.genesis("community"), Currency.IO));
        assertThat(community.minor()).isEqualTo(250_000_000L * 1_000_000_000L);
    }

    @Test
    void anOwnersTransfersComeNewestFirstEachOnceAndNoOneElses() {
        AccountId alice = account("alice");
        AccountId bob = account("bob");
        fund(bob, 9, "credit:bob");
        for (int i = 1; i <= 3; i++) {
            fund(alice, 1_000 * i, "credit:alice:" + i);
        }
        db.transaction(c -> ledger.apply(c, List.of(new Transfer("alice-to-bob", LedgerAccounts.user(alice, Currency.USD),
                LedgerAccounts.user(bob, Currency.USD), Money.usd(500), TransferKind.ESCROW_HOLD, null)), NOW));

        List<Ledger.Entry> newest = db.transaction(c -> ledger.entriesOfOwner(c, alice, Currency.USD, 2));
        List<Ledger.Entry> all = db.transaction(c -> ledger.entriesOfOwner(c, alice, Currency.USD, 10));

        assertThat(newest).extracting(e -> e.transfer().idempotencyKey()).containsExactly("alice-to-bob", "credit:alice:3");
        assertThat(all).extracting(e -> e.transfer().idempotencyKey())
                .containsExactly("alice-to-bob", "credit:alice:3", "credit:alice:2", "credit:alice:1");
    }

    @Test
    void aShortBalanceRollsBackEveryTransferOfTheTransaction() {
        AccountId alice = account("alice");
        AccountId bob = account("bob");
        fund(alice, 1_000_000, "credit:a");
        assertThatThrownBy(() -> db.transaction(c -> ledger.apply(c, List.of(
                new Transfer("t1", LedgerAccounts.user(alice, Currency.USD), LedgerAccounts.user(bob, Currency.USD),
                        Money.usd(600_000), TransferKind.ESCROW_HOLD, null),
                new Transfer("t2", LedgerAccounts.user(alice, Currency.USD), LedgerAccounts.user(bob, Currency.USD),
                        Money.usd(600_000), TransferKind.ESCROW_HOLD, null)), NOW)))
                .isInstanceOf(Ledger.InsufficientFundsException.class);
        assertThat(balance(alice).minor()).isEqualTo(1_000_000);
        assertThat(balance(bob).minor()).isZero();
    }

    @Test
    void aJournalEntryReadsBackExactlyEvenWithTabsNewlinesAndBackslashesInItsKey() {
        AccountId alice = account("alice");
        String key = "odd\tkey\\with\nbreaks\r and \\N";
        fund(alice, 1_234, key);
        JournalEntry entry = db.transaction(c -> ledger.journal(c, 0, 10)).getLast();
        assertThat(entry.transfer()).isEqualTo(new Transfer(key, LedgerAccounts.external(Currency.USD),
                LedgerAccounts.user(alice, Currency.USD), Money.usd(1_234), TransferKind.DEPOSIT, null));
        assertThat(entry.hash()).isEqualTo(JournalEntry.hashOf(entry.seq(), entry.transfer(), entry.createdAtMillis(),
                entry.prevHash()));
    }

    @Test
    void aTransferToAnAccountThatDoesNotExistIsRefusedAndWritesNothing() {
        AccountId alice = account("alice");
        fund(alice, 1_000, "credit:a");
        Ledger.Head before = db.transaction(c -> ledger.lockHead(c));
        assertThatThrownBy(() -> db.transaction(c -> ledger.apply(c, List.of(new Transfer("to-nowhere",
                LedgerAccounts.user(alice, Currency.USD), "user:nobody:USD", Money.usd(10), TransferKind.ESCROW_HOLD,
                null)), NOW))).isInstanceOf(IllegalStateException.class).hasMessageContaining("no ledger account");
        assertThat(balance(alice).minor()).isEqualTo(1_000);
        Ledger.Head after = db.transaction(c -> ledger.lockHead(c));
        assertThat(after).as("the journal did not grow").isEqualTo(before);
    }

    @Test
    void aBatchLargerThanOneArrayOfKeysIsAppliedWhole() {
        AccountId alice = account("alice");
        int count = Sql.ARRAY_KEYS_MAX + 1;
        List<Transfer> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(new Transfer("many:" + i, LedgerAccounts.external(Currency.USD),
                    LedgerAccounts.user(alice, Currency.USD), Money.usd(1), TransferKind.DEPOSIT, null));
        }
        long before = db.transaction(c -> ledger.lockHead(c)).seq();
        int applied = db.transaction(c -> ledger.apply(c, batch, NOW));
        int again = db.transaction(c -> ledger.apply(c, batch, NOW));
        assertThat(applied).isEqualTo(count);
        assertThat(again).as("applied once").isZero();
        assertThat(balance(alice).minor()).isEqualTo(count);
        // On PostgreSQL the rows went in by COPY in many parts: every one reads back, chained in order.
        List<JournalEntry> journal = db.transaction(c -> ledger.journal(c, before, count));
        assertThat(journal).hasSize(count);
        for (int i = 0; i < count; i++) {
            JournalEntry entry = journal.get(i);
            assertThat(entry.transfer()).isEqualTo(batch.get(i));
            assertThat(entry.hash()).isEqualTo(JournalEntry.hashOf(entry.seq(), entry.transfer(),
                    entry.createdAtMillis(), entry.prevHash()));
            if (i > 0) {
                assertThat(entry.prevHash()).isEqualTo(journal.get(i - 1).hash());
            }
        }
    }

    @Test
    void concurrentDebitsNeverOverdraw() throws Exception {
        AccountId alice = account("alice");
        AccountId bob = account("bob");
        fund(alice, 100, "credit:a");
        AtomicInteger succeeded = new AtomicInteger();
        runConcurrently(10, i -> {
            try {
                db.transaction(c -> ledger.apply(c, List.of(new Transfer("pay:" + i,
                        LedgerAccounts.user(alice, Currency.USD), LedgerAccounts.user(bob, Currency.USD), Money.usd(30),
                        TransferKind.ESCROW_HOLD, null)), NOW));
                succeeded.incrementAndGet();
            } catch (Ledger.InsufficientFundsException expected) {
                // the balance ran out for this one
            }
        });
        assertThat(succeeded).hasValue(3);
        assertThat(balance(alice).minor()).isEqualTo(10);
        assertThat(balance(bob).minor()).isEqualTo(90);
    }

    @Test
    void concurrentFirstTriesOfOneTransferPayOnceAndAllSucceed() throws Exception {
        AccountId alice = account("alice");
        AccountId bob = account("bob");
        fund(alice, 100, "credit:a");
        Transfer pay = new Transfer("pay:once", LedgerAccounts.user(alice, Currency.USD),
                LedgerAccounts.user(bob, Currency.USD), Money.usd(30), TransferKind.ESCROW_HOLD, null);
        AtomicInteger applied = new AtomicInteger();
        runConcurrently(8, i -> applied.addAndGet(db.transaction(c -> ledger.apply(c, List.of(pay), NOW))));
        assertThat(applied).as("one of the tries applied it, the others found it applied").hasValue(1);
        assertThat(balance(alice).minor()).isEqualTo(70);
        assertThat(balance(bob).minor()).isEqualTo(30);
    }

    @Test
    void concurrentReservationsNeverShareADevice() throws Exception {
        AccountId owner = account("supplier");
        List<DeviceId> pool = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            DeviceId id = DeviceId.random();
            pool.add(id);
            db.transaction(c -> {
                devices.insert(c, device(id, owner));
                return null;
            });
        }
        Map<DeviceId, ClusterId> holder = new ConcurrentHashMap<>();
        AtomicInteger collisions = new AtomicInteger();
        runConcurrently(8, i -> {
            ClusterId cluster = ClusterId.random();
            for (DeviceId device : pool) {
                boolean got = db.transaction(c -> devices.reserve(c, device, cluster));
                if (got && holder.putIfAbsent(device, cluster) != null) {
                    collisions.incrementAndGet();
                }
            }
        });
        assertThat(collisions).hasValue(0);
        assertThat(holder).hasSize(5);
        db.transaction(c -> {
            for (DeviceId device : pool) {
                assertThat(devices.byId(c, device).orElseThrow().cluster()).isEqualTo(holder.get(device));
            }
            return null;
        });
    }

    @Test
    void aWriteWaitsForARowLockedLongerThanH2sOwnTwoSecondsAndThenGoesThrough() throws Exception {
        AccountId owner = account("supplier");
        DeviceId device = DeviceId.random();
        db.transaction(c -> {
            devices.insert(c, device(device, owner));
            return null;
        });
        Duration held = Duration.ofMillis(2_500);
        CountDownLatch locked = new CountDownLatch(1);
        Future<Void> settling = Executors.newVirtualThreadPerTaskExecutor().submit(() -> db.transaction(c -> {
            devices.releaseOne(c, device);
            locked.countDown();
            try {
                Thread.sleep(held.toMillis());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();
        db.transaction(c -> {
            devices.block(c, device, "waited for the lock", NOW);
            return null;
        });
        settling.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it waited for the other to commit")
                .isGreaterThan(held.minusMillis(500)).isLessThan(Database.LOCK_WAIT_MAX);
        db.transaction(c -> {
            assertThat(devices.byId(c, device).orElseThrow().verification().blockedReason()).isEqualTo("waited for the lock");
            return null;
        });
    }

    @Test
    void onlyCandidatesStillSilentAndOnlineAreMarkedOfflineEachClosingOneStretchOnline() {
        AccountId owner = account("supplier");
        DeviceId silent = DeviceId.random();
        DeviceId heardSince = DeviceId.random();
        DeviceId alreadyOffline = DeviceId.random();
        Instant cutoff = NOW.plusSeconds(30);
        db.transaction(c -> {
            for (DeviceId id : List.of(silent, heardSince, alreadyOffline)) {
                devices.insert(c, device(id, owner));
            }
            devices.heartbeat(c, heardSince, device(heardSince, owner).hardware(), "127.0.0.1", List.of("process"), null,
                    List.of(), false, NOW.plusSeconds(40));
            return null;
        });
        List<DeviceRow> first = db.transaction(c -> devices.markOffline(c, List.of(alreadyOffline), cutoff));
        assertThat(first).hasSize(1);

        List<DeviceRow> marked = db.transaction(c -> devices.markOffline(c, List.of(silent, heardSince, alreadyOffline),
                cutoff));

        assertThat(marked).extracting(DeviceRow::id).containsExactly(silent);
        assertThat(marked.getFirst().online()).isFalse();
        DeviceRow stillOnline = db.transaction(c -> devices.byId(c, heardSince)).orElseThrow();
        assertThat(stillOnline.online()).isTrue();
        long stretches = db.transaction(c -> Sql.number(c, "SELECT COUNT(*) FROM device_online"));
        assertThat(stretches).isEqualTo(2);
        List<DeviceRow> later = db.transaction(c -> devices.markOfflineSince(c, NOW.plusSeconds(41)));
        assertThat(later).extracting(DeviceRow::id).containsExactly(heardSince);
    }

    @Test
    void onlineDevicesAreCountedByModelAndOnlyTheVerifiedUnblockedUnhiredOnesAreIdle() {
        AccountId owner = account("supplier");
        List<DeviceId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(DeviceId.random());
        }
        db.transaction(c -> {
            for (DeviceId id : ids) {
                devices.insert(c, device(id, owner));
            }
            for (DeviceId id : ids.subList(0, 4)) {
                devices.passed(c, id);
            }
            devices.reserve(c, ids.get(1), ClusterId.random());
            devices.block(c, ids.get(2), "wrong answers", NOW);
            devices.markOffline(c, List.of(ids.get(3)), NOW.plusSeconds(1));
            return null;
        });

        List<Devices.OnlineCount> counts = db.transaction(c -> devices.onlineByModel(c));

        // idle, hired, blocked, unverified online; one offline
        assertThat(counts).containsExactly(new Devices.OnlineCount(null, 4, 1, 1));
        Map<String, Integer> byCountry = db.transaction(c -> devices.onlineByCountry(c));
        assertThat(byCountry).as("the test devices list no country").containsExactly(Map.entry("", 4));
    }

    @Test
    void networkSamplesComeBackOldestFirstFromTheirStartAndArePrunedBeforeACutoff() {
        NetworkSamples samples = new NetworkSamples();
        db.transaction(c -> {
            for (int minute = 0; minute < 5; minute++) {
                samples.add(c, new NetworkSamples.Sample(NOW.plusSeconds(60L * minute), 10 + minute, 4, 6 + minute));
            }
            return null;
        });

        Optional<Instant> latest = db.transaction(c -> samples.latest(c));
        List<NetworkSamples.Sample> fromTheSecond = db.transaction(c -> samples.since(c, NOW.plusSeconds(60), 3));
        int pruned = db.transaction(c -> samples.pruneBefore(c, NOW.plusSeconds(180)));
        List<NetworkSamples.Sample> left = db.transaction(c -> samples.since(c, NOW, 10));

        assertThat(latest).contains(NOW.plusSeconds(240));
        assertThat(fromTheSecond).extracting(NetworkSamples.Sample::online).containsExactly(11, 12, 13);
        assertThat(pruned).isEqualTo(3);
        assertThat(left).extracting(NetworkSamples.Sample::online).containsExactly(13, 14);
    }

    @Test
    void telemetryIsSampledFromOnlineDevicesThatReportedAnyAndReadBackPerDeviceOldestFirst() {
        AccountId owner = account("supplier");
        List<DeviceId> ids = List.of(DeviceId.random(), DeviceId.random());
        Telemetry reading = new Telemetry(12.5, 2048, List.of(new Telemetry.GpuReading(87, 71, 350, 40_000)));
        TelemetrySamples samples = new TelemetrySamples();
        db.transaction(c -> {
            for (DeviceId id : ids) {
                devices.insert(c, device(id, owner));
            }
            devices.heartbeat(c, ids.getFirst(), device(ids.getFirst(), owner).hardware(), "127.0.0.1", List.of("process"),
                    reading, List.of(), false, NOW);
            return null;
        });

        int first = db.transaction(c -> samples.takeOfOnlineDevices(c, NOW));
        int second = db.transaction(c -> samples.takeOfOnlineDevices(c, NOW.plusSeconds(300)));
        List<TelemetrySamples.Sample> read = db.transaction(c -> samples.of(c, ids.getFirst(), NOW, 10));
        int pruned = db.transaction(c -> samples.pruneBefore(c, NOW.plusSeconds(1)));

        assertThat(first).as("the device that reported telemetry").isEqualTo(1);
        assertThat(second).isEqualTo(1);
        assertThat(read).extracting(TelemetrySamples.Sample::at).containsExactly(NOW, NOW.plusSeconds(300));
        assertThat(read.getFirst().telemetry()).isEqualTo(reading);
        assertThat(pruned).isEqualTo(1);
    }

    @Test
    void aWebSessionIsFoundByItsTokenHashUntilItEndsAndIsGoneOnceDeletedOrPruned() {
        AccountId owner = account("web");
        WebSessions sessions = new WebSessions();
        WebSessions.Session first = new WebSessions.Session("a".repeat(64), owner, "c".repeat(64), NOW,
                NOW.plusSeconds(3600));
        WebSessions.Session second = new WebSessions.Session("b".repeat(64), owner, "d".repeat(64), NOW,
                NOW.plusSeconds(60));
        db.transaction(c -> {
            sessions.insert(c, first);
            sessions.insert(c, second);
            return null;
        });

        Optional<WebSessions.Session> found = db.transaction(c -> sessions.live(c, first.tokenHash(), NOW));
        Optional<WebSessions.Session> ended = db.transaction(c -> sessions.live(c, second.tokenHash(),
                NOW.plusSeconds(60)));
        int pruned = db.transaction(c -> sessions.pruneEndedBefore(c, NOW.plusSeconds(60)));
        boolean deleted = db.transaction(c -> sessions.delete(c, first.tokenHash()));
        Optional<WebSessions.Session> afterDelete = db.transaction(c -> sessions.live(c, first.tokenHash(), NOW));

        assertThat(found).contains(first);
        assertThat(ended).isEmpty();
        assertThat(pruned).isEqualTo(1);
        assertThat(deleted).isTrue();
        assertThat(afterDelete).isEmpty();
    }

    @Test
    void aJoinTokenAdmitsOneKeyOnceAndThatKeyAgainButNoOtherAndNotWhenExpired() {
        AccountId owner = account("supplier");
        JoinTokens tokens = new JoinTokens();
        DeviceId first = DeviceId.random();
        db.transaction(c -> {
            tokens.create(c, "token-hash", owner, NOW.plusSeconds(60));
            tokens.create(c, "expired-hash", owner, NOW.minusSeconds(1));
            return null;
        });
        var admitted = db.transaction(c -> tokens.consume(c, "token-hash", first, "key-a", NOW)).orElseThrow();
        assertThat(admitted.owner()).isEqualTo(owner);
        assertThat(admitted.existingDevice()).isEmpty();
        var again = db.transaction(c -> tokens.consume(c, "token-hash", DeviceId.random(), "key-a", NOW)).orElseThrow();
        assertThat(again.existingDevice()).contains(first);
        for (String[] attempt : new String[][] {{"token-hash", "key-b"}, {"expired-hash", "key-c"}, {"unknown", "key-c"}}) {
            Optional<JoinTokens.Admission> refused = db.transaction(c -> tokens.consume(c, attempt[0], DeviceId.random(),
                    attempt[1], NOW));
            assertThat(refused).as("token %s with %s", attempt[0], attempt[1]).isEmpty();
        }
    }

    /** Names are display names: a sign-up refused for a name taken would tell anyone that the name exists. */
    @Test
    void twoAccountsMayShareANameAndEachHasAReferralCodeUnrelatedToItsId() {
        AccountId first = account("alice");
        AccountId second = account("alice");
        long count = db.transaction(c -> Sql.number(c, "SELECT COUNT(*) FROM account WHERE name = 'alice'"));
        assertThat(count).isEqualTo(2);
        String firstCode = db.transaction(c -> accounts.byId(c, first)).orElseThrow().referralCode();
        String secondCode = db.transaction(c -> accounts.byId(c, second)).orElseThrow().referralCode();
        assertThat(firstCode).isNotEqualTo(secondCode).matches("ref-[0-9a-f]{20}")
                .doesNotContain(first.value().substring(AccountId.PREFIX.length() + 1, AccountId.PREFIX.length() + 9));
    }

    @Test
    void whatWasWrittenSurvivesClosingAndReopening() {
        AccountId alice = account("alice");
        fund(alice, 2_500_000, "credit:1");
        db.close();
        db = open();
        assertThat(balance(alice).minor()).isEqualTo(2_500_000);
        assertThat(db.isPostgres()).isEqualTo(isPostgres());
    }

    static DeviceRow device(DeviceId id, AccountId owner) {
        HardwareSpec cpu = new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, "test CPU", 4, 8192);
        return new DeviceRow(id, owner, "key-" + id.value(), "test", cpu, "local", "127.0.0.1", List.of("process"), 0, 0,
                null, true, NOW, null, NOW, DeviceRow.Listing.NEW, Reputation.Standing.NEW, DeviceRow.Verification.NEW);
    }

    interface Task {
        void run(int index) throws Exception;
    }

    static void runConcurrently(int threads, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

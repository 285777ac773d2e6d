package dev.corral.bench;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.EndReason;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Money;
import dev.corral.core.RankState;
import dev.corral.core.Runtimes;
import dev.corral.core.auth.KeyFile;
import dev.corral.core.publicledger.Pseudonyms;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.proofs.Reputation;
import dev.corral.server.Coordinator;
import dev.corral.server.Store;
import dev.corral.server.clusters.ClusterEnd;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.devices.WorkBoard;
import dev.corral.server.tokens.EpochService;
import dev.corral.store.Accounts;
import dev.corral.store.ClusterRow;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.RankRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures the ledger where it works hardest, through the coordinator's own services on a
 * real store: settling one cluster of many devices (one supplier payment per device, the fee
 * and the refund, in one transaction), closing one epoch in which many devices earn
 * availability rewards, and the ledger's write path alone (many transfers, committed a
 * batch per transaction). Reports time, durable transfers per second and peak heap.
 */
public final class LedgerBenchmark {
    static final int DEVICES_PER_SUPPLIER = 5;
    static final int LOAD_BATCH = 10_000;
    /** Transfers committed per transaction in the write-path measurement, and the wallets they go to. */
    static final int TRANSFERS_PER_TRANSACTION = 10_000;
    static final int WALLETS = 10_000;
    /** The floor's rows per transaction for a measurement that commits all its transfers at once. */
    static final int ONE_TRANSACTION = Integer.MAX_VALUE;
    private static final HardwareSpec H100 = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559,
            "580.159.04", "bench CPU", 64, 1_024 * 1_024);

    /**
     * One measurement, and its floor: the time the same journal rows took to write the plainest
     * way ({@link CopyFloor}), with the same rows per committed transaction.
     */
    public record Result(String what, long transfers, Duration time, long peakHeapMb, Duration floor) {
        public double transfersPerSecond() {
            return transfers / Math.max(1e-9, time.toNanos() / 1e9);
        }

        public double floorPerSecond() {
            return transfers / Math.max(1e-9, floor.toNanos() / 1e9);
        }

        /** How many times the floor's time the ledger took. */
        public double ratio() {
            return time.toNanos() / (double) Math.max(1, floor.toNanos());
        }
    }

    private LedgerBenchmark() {}

    /** Runs the three measurements on a fresh store in this directory, or at this JDBC URL (an empty schema). */
    public static List<Result> run(Path directory, String jdbcUrl, int clusterDevices, int epochDevices, int transfers,
            PrintWriter out) {
        try (Database db = jdbcUrl == null ? Database.embedded(directory) : Database.connect(jdbcUrl)) {
            Store store = Store.on(db, Pseudonyms.of(KeyFile.loadOrCreate(directory.resolve(Coordinator.KEY_FILE))
                    .getPrivate()));
            Clock clock = Clock.systemUTC();
            store.db().transaction(c -> {
                store.ledger().requireChained(c);
                store.ledger().openSystemAccounts(c, clock.instant());
                return null;
            });
            CopyFloor floor = new CopyFloor(db);
            List<Result> results = new ArrayList<>();
            results.add(settle(store, clock, clusterDevices, floor, out));
            results.add(closeEpoch(store, clock, directory, epochDevices, floor, out));
            // last, so the journal it grows does not weigh on the two measurements above
            results.add(applyTransfers(store, clock, transfers, floor, out));
            floor.drop();
            out.printf("floor: the same journal rows written again by %s into a bare table (no key, index, chain or "
                    + "balances), as many per transaction; ratio = the ledger's time / the floor's%n", floor.method());
            out.flush();
            return results;
        }
    }

    private static Result settle(Store store, Clock clock, int devices, CopyFloor floor, PrintWriter out) {
        out.println("loading a cluster of " + devices + " devices...");
        out.flush();
        Instant now = clock.instant();
        List<DeviceRow> rows = devices(store, devices, now, now);
        AccountId customer = accounts(store, 1, now).getFirst();
        ClusterId cluster = ClusterId.random();
        Money price = Money.usd(15_920_000);
        Money escrow = price.times(devices);
        store.db().transaction(c -> {
            store.clusters().insert(c, new ClusterRow(cluster, customer, null, "bench", ClusterState.RUNNING, null,
                    Runtimes.PROCESS, "true", Map.of(), null, DeviceKind.GPU, "H100", 8, devices, 1, null, "", price,
                    "127.0.0.1:1", now.minus(Duration.ofMinutes(40)), now.minus(Duration.ofMinutes(30)),
                    now.plus(Duration.ofMinutes(30)), null, null, "fail", 0, 0, null));
            store.clusters().markRunning(c, cluster, now.minus(Duration.ofMinutes(30)), now.plus(Duration.ofMinutes(30)));
            store.ledger().open(c, LedgerAccounts.escrow(cluster, Currency.USD), Currency.USD);
            store.ledger().apply(c, List.of(
                    new Transfer("bench:fund", LedgerAccounts.external(Currency.USD), LedgerAccounts.user(customer,
                            Currency.USD), escrow, TransferKind.DEPOSIT, null),
                    new Transfer("bench:hold", LedgerAccounts.user(customer, Currency.USD),
                            LedgerAccounts.escrow(cluster, Currency.USD), escrow, TransferKind.ESCROW_HOLD,
                            cluster.value())), now);
            for (int rank = 0; rank < rows.size(); rank++) {
                store.devices().reserve(c, rows.get(rank).id(), cluster);
                store.clusters().insertRank(c, new RankRow(cluster, rank, rows.get(rank).id(), rows.get(rank).owner(),
                        RankState.STARTED, null, now.minus(Duration.ofMinutes(30)), null));
            }
            return null;
        });
        ClusterEnd clusters = new ClusterEnd(store.clusters(), store.ledger(), store.oracle(), store.accounts(),
                store.devices(), DeviceState.load(store.db(), store.devices(), store.stakes(), new WorkBoard(), clock), clock,
                Duration.ofMinutes(3), new SimpleMeterRegistry());
        return measure(store, floor, "settle a " + devices + "-device cluster", ONE_TRANSACTION, out,
                () -> clusters.end(cluster, ClusterState.TERMINATED, EndReason.TERMINATED_BY_OWNER, "benchmark"));
    }

    /**
     * Deposits into {@link #WALLETS} wallets drawn at random, {@link #TRANSFERS_PER_TRANSACTION}
     * per transaction, each transaction committed before the next: the ledger's own rate of
     * durable, hash-chained transfers, with nothing else in the transactions.
     */
    private static Result applyTransfers(Store store, Clock clock, int transfers, CopyFloor floor, PrintWriter out) {
        out.println("opening " + WALLETS + " wallets...");
        out.flush();
        List<AccountId> wallets = accounts(store, WALLETS, clock.instant());
        SplittableRandom random = new SplittableRandom(1);
        return measure(store, floor, "apply " + transfers + " transfers, " + TRANSFERS_PER_TRANSACTION
                + " per transaction", TRANSFERS_PER_TRANSACTION, out, () -> {
                    for (int from = 0; from < transfers; from += TRANSFERS_PER_TRANSACTION) {
                        List<Transfer> batch = new ArrayList<>(TRANSFERS_PER_TRANSACTION);
                        for (int i = from; i < Math.min(transfers, from + TRANSFERS_PER_TRANSACTION); i++) {
                            batch.add(new Transfer("bench:deposit:" + i, LedgerAccounts.external(Currency.USD),
                                    LedgerAccounts.user(wallets.get(random.nextInt(WALLETS)), Currency.USD),
                                    Money.usd(1 + random.nextInt(1_000_000)), TransferKind.DEPOSIT, null));
                        }
                        store.db().transaction(c -> store.ledger().apply(c, batch, clock.instant()));
                    }
                });
    }

    private static Result closeEpoch(Store store, Clock clock, Path directory, int devices, CopyFloor floor,
            PrintWriter out) {
        out.println("loading " + devices + " devices online for the whole epoch...");
        out.flush();
        Instant now = clock.instant();
        Instant genesis = now.minus(Duration.ofHours(2));
        store.db().transaction(c -> {
            store.settings().put(c, EpochService.GENESIS_SETTING, Long.toString(genesis.toEpochMilli()));
            return null;
        });
        // loaded before the devices: the index the close keeps in step holds none of them (none is down)
        DeviceState deviceState = DeviceState.load(store.db(), store.devices(), store.stakes(), new WorkBoard(), clock);
        devices(store, devices, now, genesis.minus(Duration.ofHours(1)));
        EpochService epochs = new EpochService(store.db(), store.devices(), store.clusters(), store.ledger(),
                store.settings(), store.epochs(), store.stakes(), store.challenges(), deviceState,
                new SimpleMeterRegistry(), clock, Duration.ofHours(1), 5_000, false, KeyFile.loadOrCreate(directory.resolve(Coordinator.KEY_FILE)));
        System.gc();
        return measure(store, floor, "close an epoch with " + devices + " devices earning", ONE_TRANSACTION, out,
                () -> epochs.close(0));
    }

    /**
     * Times the work, the journal entries it wrote and the peak heap meanwhile; then the floor,
     * the same entries written the plainest way with as many per transaction. Prints and
     * returns both.
     */
    private static Result measure(Store store, CopyFloor floor, String what, int rowsPerTransaction, PrintWriter out,
            Runnable work) {
        long before = journalLength(store);
        long heapBefore = resetPeakHeap();
        long start = System.nanoTime();
        work.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        long peak = Math.max(heapBefore, peakHeapMb());
        long after = journalLength(store);
        Result result = new Result(what, after - before, took, peak, floor.time(before, after, rowsPerTransaction));
        print(out, result);
        return result;
    }

    /** Devices of {@link #DEVICES_PER_SUPPLIER} to a supplier, loaded in batches. */
    private static List<DeviceRow> devices(Store store, int count, Instant now, Instant onlineSince) {
        List<AccountId> owners = accounts(store, Math.max(1, count / DEVICES_PER_SUPPLIER), now);
        List<DeviceRow> all = new ArrayList<>(count);
        for (int from = 0; from < count; from += LOAD_BATCH) {
            List<DeviceRow> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + LOAD_BATCH); i++) {
                DeviceId id = DeviceId.random();
                batch.add(new DeviceRow(id, owners.get(i % owners.size()), "bench-key-" + id.value(), "bench", H100,
                        "local", "127.0.0.1", List.of(Runtimes.PROCESS), 0, 0, null, true, onlineSince, null,
                        now, DeviceRow.Listing.NEW, Reputation.Standing.NEW, DeviceRow.Verification.NEW));
            }
            store.db().transaction(c -> {
                store.devices().insertAll(c, batch);
                return null;
            });
            all.addAll(batch);
        }
        return all;
    }

    private static List<AccountId> accounts(Store store, int count, Instant now) {
        List<AccountId> ids = new ArrayList<>(count);
        for (int from = 0; from < count; from += LOAD_BATCH) {
            List<Accounts.NewAccount> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + LOAD_BATCH); i++) {
                AccountId id = AccountId.random();
                ids.add(id);
                batch.add(new Accounts.NewAccount(id, id.value(), "bench-" + id.value(), null));
            }
            store.db().transaction(c -> {
                store.accounts().createAll(c, batch, now);
                return null;
            });
        }
        return ids;
    }

    private static long journalLength(Store store) {
        return store.db().transaction(c -> store.ledger().lockHead(c).seq());
    }

    private static long resetPeakHeap() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                used += pool.getUsage().getUsed();
            }
        }
        return used / (1024 * 1024);
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }

    private static void print(PrintWriter out, Result result) {
        out.printf("%-45s %9d transfers in %8.3f s = %10.0f transfers/s, peak heap %6d MB; floor %8.3f s = %10.0f "
                + "rows/s, ratio %.1f%n", result.what(), result.transfers(), result.time().toNanos() / 1e9,
                result.transfersPerSecond(), result.peakHeapMb(), result.floor().toNanos() / 1e9,
                result.floorPerSecond(), result.ratio());
        out.flush();
    }
}

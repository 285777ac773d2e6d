package dev.corral.bench;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.Layout;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PlacementRequest;
import dev.corral.scheduler.PoolDevice;
import dev.corral.scheduler.PriceTable;
import dev.corral.scheduler.SupplierType;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * `corral bench placement`: fills an index with synthetic devices in a mix like a public
 * decentralized network's (many consumer cards, fewer data-center nodes, a dozen regions,
 * owners with a handful of devices each, a tenth of them staked), then times a 10,000-GPU
 * placement, small placements from several threads, and offer search, and measures the heap
 * the index takes per device.
 */
public final class PlacementBenchmark {
    /** Model, share of devices in per mille, and whether it is a data-center part (mostly 8-GPU nodes). */
    private record Mix(String model, int perMille, boolean dataCenter) {}

    private static final List<Mix> MIX = List.of(
            new Mix("RTX 4090", 280, false), new Mix("RTX 3090", 150, false), new Mix("H100", 110, true),
            new Mix("A100", 80, true), new Mix("A100 80GB", 70, true), new Mix("L40S", 50, true),
            new Mix("RTX A6000", 40, false), new Mix("L4", 40, true), new Mix("A10", 40, true),
            new Mix("T4", 40, true), new Mix("H200", 30, true), new Mix("V100", 30, true),
            new Mix("MI300X", 10, true), new Mix(null, 30, false));
    private static final List<String> REGIONS = List.of("us-east", "us-west", "us-central", "eu-west", "eu-central",
            "eu-north", "ap-south", "ap-northeast", "ap-southeast", "sa-east", "me-central", "af-south");
    private static final List<String> COUNTRIES = List.of("US", "US", "US", "IE", "DE", "SE", "IN", "JP", "SG", "BR",
            "AE", "ZA");
    static final int DEVICES_PER_OWNER_MEAN = 20;
    static final int SMALL_PLACEMENTS_LIVE_MAX = 2_000;
    /** Untimed runs before the timed ones of each placement, search and floor. */
    static final int WARM_UP_RUNS = 2;
    static final String TYPICAL_CONSTRAINTS = "reliability>=0.9 security>=2 region in us-east,us-west,us-central,"
            + "eu-west,eu-central,eu-north";
    private static final List<String> SEARCHES = List.of(
            "gpu=H100 vram>=80 region=eu-west reliability>0.95 price<=2.5",
            "kind=gpu fp16>=300 security>=3",
            "gpu in RTX_4090,RTX_3090 country=US",
            "");

    private PlacementBenchmark() {}

    public static void run(int devices, int runs, int threads, int seconds, PrintWriter out) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long heapBefore = usedHeap();
        long buildStart = System.nanoTime();
        DevicePool pool = new DevicePool();
        generate(devices, random, pool::setOwnerStake, pool::put);
        long buildNanos = System.nanoTime() - buildStart;
        long heapAfter = usedHeap();
        print(out, "index: %,d devices built in %.2f s, heap %.0f bytes per device (%,d MB in all)%n", pool.size(),
                buildNanos / 1e9, (heapAfter - heapBefore) / (double) devices, (heapAfter - heapBefore) >> 20);
        // The floor's plain list: the same devices again (the same draws, new ids), once the index's heap is measured.
        Fleet fleet = new Fleet(new ArrayList<>(devices), new HashMap<>());
        generate(devices, new SplittableRandom(42), fleet.stakes()::put, fleet.devices()::add);

        OfferQuery typical = OfferQuery.parse(TYPICAL_CONSTRAINTS);
        timeBigPlacement(out, pool, fleet, random, runs, "10,000 H100 GPUs (1,250 nodes of 8), " + TYPICAL_CONSTRAINTS,
                new ClusterRequest(DeviceKind.GPU, new GpuModel("H100"), 8, 1_250, 1, null), typical, Layout.ANY);
        timeBigPlacement(out, pool, fleet, random, runs, "10,000 H100 GPUs (1,250 nodes of 8), packed in one region",
                new ClusterRequest(DeviceKind.GPU, new GpuModel("H100"), 8, 1_250, 1, null), typical, Layout.PACK);
        timeBigPlacement(out, pool, fleet, random, runs, "10,000 RTX 4090 GPUs (10,000 single-GPU devices), " + TYPICAL_CONSTRAINTS,
                new ClusterRequest(DeviceKind.GPU, new GpuModel("RTX 4090"), 1, 10_000, 1, null), typical, Layout.ANY);
        timeSmallPlacements(out, pool, threads, seconds);
        timeSearches(out, pool, runs);
    }

    /** The benchmark's devices as a plain list and their owners' stakes: what the floor scans. */
    private record Fleet(List<PoolDevice> devices, Map<AccountId, Long> stakes) {}

    /** Draws the synthetic devices, handing each owner's stake and then each device to the sinks. */
    private static void generate(int devices, SplittableRandom random, BiConsumer<AccountId, Long> stakes,
            Consumer<PoolDevice> sink) {
        int ownerCount = Math.max(1, devices / DEVICES_PER_OWNER_MEAN);
        AccountId[] owners = new AccountId[ownerCount];
        for (int o = 0; o < ownerCount; o++) {
            owners[o] = AccountId.random();
            if (random.nextInt(10) == 0) {
                stakes.accept(owners[o], 100 + random.nextLong(20_000));
            }
        }
        for (int d = 0; d < devices; d++) {
            Mix mix = pick(random);
            // Owners hold devices of one region each, a few owners many: the square skews towards low numbers.
            double u = random.nextDouble();
            int owner = (int) (u * u * ownerCount);
            int region = owner % REGIONS.size();
            boolean gpu = mix.model() != null;
            int gpus = !gpu ? 0 : mix.dataCenter() ? (random.nextInt(10) < 7 ? 8 : 1 << random.nextInt(3))
                    : (random.nextInt(10) < 8 ? 1 : 2 << random.nextInt(2));
            GpuModel model = gpu ? new GpuModel(mix.model()) : null;
            SupplierType supplier = mix.dataCenter() ? SupplierType.DATACENTER
                    : random.nextBoolean() ? SupplierType.MINER : SupplierType.INDIVIDUAL;
            int security = supplier == SupplierType.DATACENTER ? 3 + random.nextInt(2) : 1 + random.nextInt(2);
            long listPrice = gpu ? PriceTable.pricePerDeviceHour(new ClusterRequest(DeviceKind.GPU, model, gpus, 1, 1,
                    null)).minor() : PriceTable.pricePerDeviceHour(new ClusterRequest(DeviceKind.CPU, null, 0, 1, 1,
                    null)).minor();
            sink.accept(new PoolDevice(DeviceId.random(), owners[owner], gpu ? DeviceKind.GPU : DeviceKind.CPU, model, gpus,
                    gpu ? HardwareCatalog.gpu(model).map(HardwareCatalog.Gpu::memoryGb).orElse(24) : 0,
                    8 << random.nextInt(5), REGIONS.get(region), COUNTRIES.get(region), supplier, security,
                    1 + random.nextInt(4), 1 - Math.pow(random.nextDouble(), 4) * 0.5,
                    listPrice * (30 + random.nextInt(61)) / 100, gpu ? 525 + random.nextInt(50) : 0, true,
                    PoolDevice.RUNTIMES_ALL, 100L << random.nextInt(5)));
        }
    }

    private static Mix pick(SplittableRandom random) {
        int at = random.nextInt(1_000);
        for (Mix mix : MIX) {
            at -= mix.perMille();
            if (at < 0) {
                return mix;
            }
        }
        return MIX.getLast();
    }

    private static void timeBigPlacement(PrintWriter out, DevicePool pool, Fleet fleet, SplittableRandom random,
            int runs, String what, ClusterRequest cluster, OfferQuery where, Layout layout) {
        PlacementRequest request = new PlacementRequest(cluster, where,
                PriceTable.pricePerDeviceHour(cluster).minor(), layout, 0);
        long[] nanos = new long[runs];
        for (int run = -WARM_UP_RUNS; run < runs; run++) {
            long start = System.nanoTime();
            DevicePool.Outcome outcome = pool.place(request, random);
            long took = System.nanoTime() - start;
            if (!(outcome instanceof DevicePool.Placed placed)) {
                print(out, "placement of %s: not placed (%s)%n", what, outcome);
                return;
            }
            pool.release(placed.devices().stream().map(DevicePool.Chosen::device).toList());
            if (run >= 0) {
                nanos[run] = took;
            }
        }
        Arrays.sort(nanos);
        long[] floor = timed(runs, () -> {
            List<PoolDevice> scanned = scan(fleet, request);
            if (scanned.size() < cluster.count()) {
                throw new IllegalStateException("the floor's scan found " + scanned.size() + " devices where the index "
                        + "placed " + cluster.count());
            }
        });
        print(out, "placement of %s: median %.1f ms, p99 %.1f ms (%d runs, %,d matching); floor %.1f ms, ratio %.2f%n",
                what, nanos[runs / 2] / 1e6, nanos[Math.min(runs - 1, (int) Math.ceil(runs * 0.99) - 1)] / 1e6, runs,
                pool.matching(request), floor[runs / 2] / 1e6, nanos[runs / 2] / (double) Math.max(1, floor[runs / 2]));
    }

    /**
     * The floor of a placement: one pass over a plain list of the same devices, reading each
     * one's fields straight off its record against the same kind, model, GPUs per device, price
     * and conditions, and keeping the first the cluster needs of all that match: the candidates
     * a scheduler without an index must find, with no ranking and no claims.
     */
    private static List<PoolDevice> scan(Fleet fleet, PlacementRequest request) {
        ClusterRequest cluster = request.cluster();
        List<PoolDevice> matching = new ArrayList<>();
        for (PoolDevice d : fleet.devices()) {
            if (d.takesWork() && (d.runtimes() & request.runtime()) != 0 && d.kind() == cluster.kind()
                    && d.gpuCount() == cluster.gpusPerDevice() && Objects.equals(d.model(), cluster.gpuModel())
                    && d.priceFloorMicros() <= request.pricePerDeviceHourMicros()
                    && request.where().matches(field -> d.value(field, fleet.stakes().getOrDefault(d.owner(), 0L)))) {
                matching.add(d);
            }
        }
        return matching.subList(0, Math.min(cluster.count(), matching.size()));
    }

    private static void timeSmallPlacements(PrintWriter out, DevicePool pool, int threads, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(1_000 + t);
                results.add(executor.submit(() -> {
                    ArrayDeque<List<DeviceId>> live = new ArrayDeque<>();
                    long placed = 0;
                    long refused = 0;
                    go.await();
                    while (!stop.get()) {
                        Mix mix = pick(random);
                        ClusterRequest cluster = mix.model() == null
                                ? new ClusterRequest(DeviceKind.CPU, null, 0, 1 + random.nextInt(8), 1, null)
                                : new ClusterRequest(DeviceKind.GPU, new GpuModel(mix.model()), 1,
                                        1 + random.nextInt(8), 1, null);
                        OfferQuery where = random.nextBoolean() ? OfferQuery.parse("")
                                : OfferQuery.parse("reliability>=0.9 region=" + REGIONS.get(random.nextInt(REGIONS.size())));
                        DevicePool.Outcome outcome = pool.place(new PlacementRequest(cluster, where,
                                PriceTable.pricePerDeviceHour(cluster).minor(), Layout.ANY, 0), random);
                        if (outcome instanceof DevicePool.Placed done) {
                            placed++;
                            live.add(done.devices().stream().map(DevicePool.Chosen::device).toList());
                            if (live.size() > SMALL_PLACEMENTS_LIVE_MAX) {
                                pool.release(live.poll());
                            }
                        } else {
                            refused++;
                        }
                    }
                    live.forEach(pool::release);
                    return new long[] {placed, refused};
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            TimeUnit.SECONDS.sleep(seconds);
            stop.set(true);
            long placed = 0;
            long refused = 0;
            for (Future<long[]> result : results) {
                placed += result.get()[0];
                refused += result.get()[1];
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            print(out, "small placements (1-8 single-GPU or CPU devices, half with region and reliability conditions), "
                    + "%d threads: %,.0f placements/s (%,d placed, %,d refused for lack of matches, %.1f s)%n", threads,
                    placed / elapsed, placed, refused, elapsed);
        }
    }

    private static void timeSearches(PrintWriter out, DevicePool pool, int runs) {
        for (String text : SEARCHES) {
            OfferQuery query = OfferQuery.parse(text);
            int[] groups = new int[1];
            long[] nanos = timed(runs, () -> groups[0] = pool.search(query).size());
            print(out, "offer search '%s': median %.1f ms, p99 %.1f ms (%d groups)%n", text, nanos[runs / 2] / 1e6,
                    nanos[Math.min(runs - 1, (int) Math.ceil(runs * 0.99) - 1)] / 1e6, groups[0]);
        }
    }

    /** Runs the work {@link #WARM_UP_RUNS} times untimed, then {@code runs} times timed: the times, sorted. */
    private static long[] timed(int runs, Runnable work) {
        long[] nanos = new long[runs];
        for (int run = -WARM_UP_RUNS; run < runs; run++) {
            long start = System.nanoTime();
            work.run();
            if (run >= 0) {
                nanos[run] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void print(PrintWriter out, String format, Object... args) {
        out.printf(format, args);
        out.flush();
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}

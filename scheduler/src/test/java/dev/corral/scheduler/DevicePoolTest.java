package dev.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DevicePoolTest {
    private static final List<String> MODELS = List.of("H100", "A100", "RTX 4090");
    private static final List<String> REGIONS = List.of("eu-west", "us-east", "ap-south");
    private static final List<String> COUNTRIES = List.of("DE", "US", "IN");
    private static final List<String> CONDITIONS = List.of("", "vram>=40", "region in eu-west,us-east",
            "country!=US", "supplier=datacenter", "security>=3", "connectivity>2", "reliability>0.5", "stake>=100",
            "price<=1.5", "cpu_cores>16", "driver>=550", "fp16>300", "supplier notin miner,individual",
            "reliability>0.2 security<=3 region!=ap-south", "disk>=100", "disk<50 cpu_cores>8");

    @Test
    void everyPlacementMeetsEveryConditionAllOrNothingAndNeverTakesAHiredDevice() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int placedRounds = 0;
        for (int round = 0; round < 2_000; round++) {
            DevicePool pool = new DevicePool();
            Map<DeviceId, PoolDevice> devices = new HashMap<>();
            Map<AccountId, Long> stakes = new HashMap<>();
            List<AccountId> owners = List.of(AccountId.random(), AccountId.random(), AccountId.random());
            for (AccountId owner : owners) {
                long stake = random.nextInt(3) == 0 ? random.nextLong(5_000) : 0;
                stakes.put(owner, stake);
                pool.setOwnerStake(owner, stake);
            }
            Set<DeviceId> hired = new HashSet<>();
            for (int i = random.nextInt(60); i > 0; i--) {
                PoolDevice device = device(random, owners.get(random.nextInt(owners.size())));
                pool.put(device);
                devices.put(device.id(), device);
                if (random.nextInt(6) == 0) {
                    pool.markHired(device.id());
                    hired.add(device.id());
                }
            }
            PlacementRequest request = request(random);
            OfferQuery conditions = request.conditions();
            List<PoolDevice> matching = devices.values().stream()
                    .filter(d -> !hired.contains(d.id()) && d.takesWork()
                            && d.priceFloorMicros() <= request.pricePerDeviceHourMicros()
                            && d.kind() == request.cluster().kind()
                            && (d.kind() == DeviceKind.CPU || d.model().equals(request.cluster().gpuModel())
                                    && d.gpuCount() == request.cluster().gpusPerDevice())
                            && conditions.matches(field -> d.value(field, stakes.get(d.owner()))))
                    .toList();

            DevicePool.Outcome outcome = pool.place(request, random);
            String context = "seed " + seed + ", round " + round + ", " + request;
            assertThat(pool.matching(request) + (outcome instanceof DevicePool.Placed ? request.cluster().count() : 0))
                    .as(context).isEqualTo(matching.size());
            boolean enough = matching.size() >= request.cluster().count()
                    && ScarcityPolicy.allows(matching.size(), request.cluster().count(), request.customerStakeIo());
            assertThat(outcome instanceof DevicePool.Placed).as(context).isEqualTo(enough);
            if (outcome instanceof DevicePool.Placed placed) {
                placedRounds++;
                Set<DeviceId> chosen = placed.devices().stream().map(DevicePool.Chosen::device).collect(Collectors.toSet());
                assertThat(chosen).as(context + ": all, each once").hasSize(request.cluster().count());
                assertThat(matching.stream().map(PoolDevice::id).collect(Collectors.toSet())).as(context)
                        .containsAll(chosen);
                placed.devices().forEach(c -> assertThat(c.owner()).isEqualTo(devices.get(c.device()).owner()));
                assertThat(chosen).as(context).noneMatch(pool::isIdle);
                pool.release(chosen);
                assertThat(chosen).as(context + ": released").allMatch(pool::isIdle);
            } else {
                assertThat(devices.keySet().stream().filter(pool::isIdle).count()).as(context + ": nothing claimed")
                        .isEqualTo(devices.values().stream().filter(d -> d.takesWork() && !hired.contains(d.id())).count());
            }
        }
        assertThat(placedRounds).as("seed %d: both outcomes exercised", seed).isBetween(50, 1_950);
    }

    @Test
    void concurrentPlacementsNeverShareADevice() throws Exception {
        DevicePool pool = new DevicePool();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 3_000; i++) {
            pool.put(gpu(AccountId.random(), "H100", 1, "eu-west", 0, 0.9));
        }
        int threads = 4;
        Map<DeviceId, Integer> takenBy = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> placedCounts = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                SplittableRandom own = random.split();
                placedCounts.add(executor.submit(() -> {
                    go.await();
                    int devices = 0;
                    while (true) {
                        int count = 1 + own.nextInt(8);
                        DevicePool.Outcome outcome = pool.place(request("H100", 1, count, ""), own);
                        if (outcome instanceof DevicePool.Placed placed) {
                            placed.devices().forEach(c -> assertThat(takenBy.put(c.device(), thread)).isNull());
                            devices += count;
                        } else if (outcome instanceof DevicePool.TooFew || outcome instanceof DevicePool.Scarce) {
                            return devices;
                        }
                    }
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> count : placedCounts) {
                total += count.get();
            }
            assertThat(takenBy).hasSize(total);
            assertThat(total).isGreaterThan(3_000 - 3_000 / 10 - 8);
        }
    }

    @Test
    void priceFloorsAboveThePriceAndOfflineDevicesAreNeverPlaced() {
        DevicePool pool = new DevicePool();
        PoolDevice dear = gpu(AccountId.random(), "H100", 1, "eu-west", 2_000_001, 1.0);
        PoolDevice offline = gpu(AccountId.random(), "H100", 1, "eu-west", 0, 1.0);
        pool.put(dear);
        pool.put(offline);
        pool.setTakesWork(offline.id(), false);
        assertThat(pool.place(request("H100", 1, 1, ""), new SplittableRandom(1)))
                .isEqualTo(new DevicePool.TooFew(0));
        pool.setTakesWork(offline.id(), true);
        assertThat(pool.place(request("H100", 1, 1, ""), new SplittableRandom(1)))
                .isEqualTo(new DevicePool.Placed(List.of(new DevicePool.Chosen(offline.id(), offline.owner()))));
    }

    @Test
    void aDeviceThatChangesModelMovesToItsNewBucket() {
        DevicePool pool = new DevicePool();
        AccountId owner = AccountId.random();
        PoolDevice device = gpu(owner, "A100", 1, "eu-west", 0, 1.0);
        pool.put(device);
        pool.put(new PoolDevice(device.id(), owner, DeviceKind.GPU, new GpuModel("H100"), 1, 80, 32, "eu-west", "DE",
                SupplierType.DATACENTER, 4, 4, 1.0, 0, 550.54, true));
        assertThat(pool.matching(request("A100", 1, 1, ""))).isZero();
        assertThat(pool.matching(request("H100", 1, 1, ""))).isEqualTo(1);
        assertThat(pool.size()).isEqualTo(1);
        pool.setReliability(device.id(), 0.29);
        assertThat(pool.matching(request("H100", 1, 1, "reliability>=0.3"))).isZero();
        assertThat(pool.matching(request("H100", 1, 1, "reliability=0.29"))).isEqualTo(1);
    }

    @Test
    void stakeRaisesASuppliersChanceMeasurablyButNeverGuaranteesIt() {
        // Two equal devices, one placed; its owner's 3,000 IO stake gives it weight 4 against 1: 80% expected.
        DevicePool pool = new DevicePool();
        AccountId rich = AccountId.random();
        PoolDevice staked = gpu(rich, "H100", 1, "eu-west", 0, 1.0);
        pool.put(staked);
        pool.put(gpu(AccountId.random(), "H100", 1, "eu-west", 0, 1.0));
        pool.setOwnerStake(rich, 3_000);
        long seed = System.nanoTime();
        int draws = 20_000;
        assertThat(winsOf(staked, pool, draws, new SplittableRandom(seed)) / (double) draws).as("seed %d", seed)
                .isBetween(0.77, 0.83);
    }

    @Test
    void lowerFloorsAndHigherReliabilityWinWhenStakesAreEqual() {
        DevicePool pool = new DevicePool();
        PoolDevice cheapReliable = gpu(AccountId.random(), "H100", 1, "eu-west", 0, 1.0);
        PoolDevice dearFlaky = gpu(AccountId.random(), "H100", 1, "eu-west", 1_900_000, 0.1);
        pool.put(cheapReliable);
        pool.put(dearFlaky);
        // Score gap 0.4 x 0.95 + 0.3 x 0.9 = 0.65 exceeds the whole draw term (0.3): the cheap device always wins.
        assertThat(winsOf(cheapReliable, pool, 1_000, new SplittableRandom(3))).isEqualTo(1_000);
    }

    @Test
    void packTakesOneRegionAndFewSuppliersWhileSpreadTakesMany() {
        DevicePool pool = new DevicePool();
        AccountId bigEu = AccountId.random();
        for (int i = 0; i < 8; i++) {
            pool.put(gpu(bigEu, "H100", 8, "eu-west", 0, 1.0));
        }
        for (int i = 0; i < 8; i++) {
            pool.put(gpu(AccountId.random(), "H100", 8, "eu-west", 0, 1.0));
            pool.put(gpu(AccountId.random(), "H100", 8, "us-east", 0, 1.0));
        }
        SplittableRandom random = new SplittableRandom(11);
        PlacementRequest pack = new PlacementRequest(new ClusterRequest(DeviceKind.GPU, new GpuModel("H100"), 8, 8, 1,
                null), OfferQuery.parse(""), 16_000_000, Layout.PACK, 0);
        DevicePool.Placed packed = (DevicePool.Placed) pool.place(pack, random);
        assertThat(packed.devices()).extracting(DevicePool.Chosen::owner).containsOnly(bigEu);
        pool.release(packed.devices().stream().map(DevicePool.Chosen::device).toList());

        PlacementRequest spread = new PlacementRequest(pack.cluster(), pack.where(), 16_000_000, Layout.SPREAD, 0);
        DevicePool.Placed spreadOut = (DevicePool.Placed) pool.place(spread, random);
        assertThat(spreadOut.devices().stream().map(DevicePool.Chosen::owner).distinct().count()).isEqualTo(8);
    }

    @Test
    void customersWithoutStakeCannotTakeTheLastTenthOfAScarcePool() {
        assertThat(ScarcityPolicy.reserve(4)).isZero();
        assertThat(ScarcityPolicy.allows(25, 23, 0)).isTrue();
        DevicePool pool = new DevicePool();
        for (int i = 0; i < 25; i++) {
            pool.put(gpu(AccountId.random(), "H100", 1, "eu-west", 0, 1.0));
        }
        ClusterRequest cluster = new ClusterRequest(DeviceKind.GPU, new GpuModel("H100"), 1, 24, 1, null);
        SplittableRandom random = new SplittableRandom(5);
        assertThat(pool.place(new PlacementRequest(cluster, OfferQuery.parse(""), 2_000_000, Layout.ANY, 0), random))
                .isEqualTo(new DevicePool.Scarce(25, 2));
        assertThat(pool.place(new PlacementRequest(cluster, OfferQuery.parse(""), 2_000_000, Layout.ANY,
                ScarcityPolicy.PRIORITY_STAKE_IO_MIN), random)).isInstanceOf(DevicePool.Placed.class);
    }

    @Test
    void utilisationIsTheHiredShareOfOnlineDevicesOfAModel() {
        DevicePool pool = new DevicePool();
        List<PoolDevice> h100s = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            h100s.add(gpu(AccountId.random(), "H100", i % 2 == 0 ? 1 : 8, "eu-west", 0, 1.0));
            pool.put(h100s.getLast());
        }
        pool.put(gpu(AccountId.random(), "A100", 1, "eu-west", 0, 1.0));
        assertThat(pool.utilisation(DeviceKind.GPU, new GpuModel("H100"))).isZero();
        pool.markHired(h100s.get(0).id());
        pool.setTakesWork(h100s.get(3).id(), false);
        assertThat(pool.utilisation(DeviceKind.GPU, new GpuModel("H100"))).isEqualTo(1.0 / 3);
        assertThat(pool.utilisation(DeviceKind.GPU, new GpuModel("B200"))).isZero();
    }

    @Test
    void searchGroupsIdleDevicesByModelSizeAndRegion() {
        DevicePool pool = new DevicePool();
        for (int i = 0; i < 3; i++) {
            pool.put(gpu(AccountId.random(), "H100", 8, "eu-west", 1_000_000 + i, 1.0));
        }
        pool.put(gpu(AccountId.random(), "H100", 8, "us-east", 0, 1.0));
        PoolDevice hired = gpu(AccountId.random(), "H100", 8, "us-east", 0, 1.0);
        pool.put(hired);
        pool.markHired(hired.id());
        pool.put(gpu(AccountId.random(), "RTX 4090", 1, "eu-west", 0, 0.5));
        assertThat(pool.search(OfferQuery.parse("gpu=H100"))).containsExactlyInAnyOrder(
                new DevicePool.OfferGroup(DeviceKind.GPU, new GpuModel("H100"), 8, "eu-west", 3, 1_000_000),
                new DevicePool.OfferGroup(DeviceKind.GPU, new GpuModel("H100"), 8, "us-east", 1, 0));
        assertThat(pool.search(OfferQuery.parse("reliability<0.6"))).extracting(DevicePool.OfferGroup::model)
                .containsExactly(new GpuModel("RTX 4090"));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** How many of these single-H100 placements (each released again) choose this device. */
    private static int winsOf(PoolDevice device, DevicePool pool, int draws, SplittableRandom random) {
        int wins = 0;
        for (int i = 0; i < draws; i++) {
            DevicePool.Placed placed = (DevicePool.Placed) pool.place(request("H100", 1, 1, ""), random);
            wins += placed.devices().getFirst().device().equals(device.id()) ? 1 : 0;
            pool.release(List.of(placed.devices().getFirst().device()));
        }
        return wins;
    }

    private static PlacementRequest request(SplittableRandom random) {
        boolean cpu = random.nextInt(4) == 0;
        String region = random.nextBoolean() ? null : REGIONS.get(random.nextInt(REGIONS.size()));
        ClusterRequest cluster = cpu
                ? new ClusterRequest(DeviceKind.CPU, null, 0, 1 + random.nextInt(8), 1, region)
                : new ClusterRequest(DeviceKind.GPU, GpuModel.parse(MODELS.get(random.nextInt(MODELS.size()))),
                        1 + random.nextInt(2), 1 + random.nextInt(8), 1, region);
        String where = CONDITIONS.get(random.nextInt(CONDITIONS.size()));
        return new PlacementRequest(cluster, OfferQuery.parse(where), 1 + random.nextLong(3_000_000),
                Layout.values()[random.nextInt(Layout.values().length)], random.nextInt(3) == 0 ? 5_000 : 0);
    }

    private static PlacementRequest request(String model, int gpus, int count, String where) {
        return new PlacementRequest(new ClusterRequest(DeviceKind.GPU, new GpuModel(model), gpus, count, 1, null),
                OfferQuery.parse(where), 2_000_000L * gpus, Layout.ANY, 0);
    }

    private static PoolDevice device(SplittableRandom random, AccountId owner) {
        boolean cpu = random.nextInt(4) == 0;
        String model = MODELS.get(random.nextInt(MODELS.size()));
        return new PoolDevice(DeviceId.random(), owner, cpu ? DeviceKind.CPU : DeviceKind.GPU,
                cpu ? null : new GpuModel(model), cpu ? 0 : 1 + random.nextInt(2), cpu ? 0 : 24 + random.nextInt(60),
                1 + random.nextInt(64), REGIONS.get(random.nextInt(REGIONS.size())),
                COUNTRIES.get(random.nextInt(COUNTRIES.size())),
                SupplierType.values()[random.nextInt(SupplierType.values().length)], 1 + random.nextInt(4),
                1 + random.nextInt(4), random.nextInt(101) / 100.0, random.nextLong(3_000_000),
                cpu ? 0 : 500 + random.nextInt(80) + random.nextInt(100) / 100.0, random.nextInt(6) != 0,
                PoolDevice.RUNTIMES_ALL, random.nextInt(4) == 0 ? 0 : random.nextInt(400));
    }

    private static PoolDevice gpu(AccountId owner, String model, int gpus, String region, long floor,
            double reliability) {
        return new PoolDevice(DeviceId.random(), owner, DeviceKind.GPU, new GpuModel(model), gpus, 80, 32, region, "DE",
                SupplierType.DATACENTER, 4, 4, reliability, floor, 550.54, true);
    }
}

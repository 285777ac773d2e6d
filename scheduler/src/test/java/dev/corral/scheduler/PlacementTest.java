package dev.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.Money;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final List<String> MODELS = List.of("H100", "A100", "RTX 4090");
    private static final List<String> REGIONS = List.of("eu-west", "us-east", "ap-south");

    @Test
    void choosesTheCheapestMatchingDevicesOrNothing() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 3_000; round++) {
            List<Candidate> pool = pool(random, random.nextInt(40));
            boolean cpu = random.nextInt(4) == 0;
            ClusterRequest request = cpu
                    ? new ClusterRequest(DeviceKind.CPU, null, 0, 1 + random.nextInt(8), 1, region(random))
                    : new ClusterRequest(DeviceKind.GPU, GpuModel.parse(MODELS.get(random.nextInt(MODELS.size()))),
                            1 + random.nextInt(2), 1 + random.nextInt(8), 1 + random.nextInt(5), region(random));
            Money price = PriceTable.pricePerDeviceHour(request);
            Optional<List<Candidate>> placed = Placement.choose(request, price, "process", pool, random);
            List<Candidate> matching = pool.stream().filter(c -> Placement.fits(request, price, "process", c)).toList();

            assertThat(placed.isPresent()).as("seed %d: placed iff enough match", seed)
                    .isEqualTo(matching.size() >= request.count());
            if (placed.isEmpty()) {
                continue;
            }
            List<Candidate> chosen = placed.get();
            assertThat(chosen).as("seed %d: all or nothing", seed).hasSize(request.count());
            assertThat(new HashSet<>(chosen)).as("seed %d: no device twice", seed).hasSize(chosen.size());
            for (Candidate c : chosen) {
                assertThat(c.kind()).as("seed %d", seed).isEqualTo(request.kind());
                assertThat(c.runtimes()).as("seed %d", seed).contains("process");
                assertThat(c.minPricePerHourMicros()).as("seed %d: price floor honoured", seed)
                        .isLessThanOrEqualTo(price.minor());
                if (request.region() != null) {
                    assertThat(c.region()).as("seed %d", seed).isEqualTo(request.region());
                }
                if (!cpu) {
                    assertThat(c.gpuModel()).as("seed %d", seed).isEqualTo(request.gpuModel());
                    assertThat(c.gpuCount()).as("seed %d", seed).isEqualTo(request.gpusPerDevice());
                }
            }
            long dearestChosen = chosen.stream().mapToLong(Candidate::minPricePerHourMicros).max().orElseThrow();
            // Price floors decide first; stake only orders devices of equal floor.
            Set<Candidate> left = new HashSet<>(matching);
            chosen.forEach(left::remove);
            assertThat(left).as("seed %d: no cheaper device left out", seed)
                    .allMatch(c -> c.minPricePerHourMicros() >= dearestChosen);
        }
    }

    @Test
    void devicesWithoutTheRuntimeOrAboveThePriceAreNeverPlaced() {
        ClusterRequest request = new ClusterRequest(DeviceKind.CPU, null, 0, 1, 1, null);
        Money price = PriceTable.pricePerDeviceHour(request);
        Candidate noRuntime = new Candidate(DeviceId.random(), AccountId.random(), DeviceKind.CPU, null, 0, "local", 0,
                Set.of(), 0);
        Candidate tooDear = new Candidate(DeviceId.random(), AccountId.random(), DeviceKind.CPU, null, 0, "local",
                price.minor() + 1, Set.of("process"), 0);
        assertThat(Placement.choose(request, price, "process", List.of(noRuntime, tooDear), new SplittableRandom(1)))
                .isEmpty();
    }

    @Test
    void stakeRaisesASuppliersChanceMeasurablyButNeverGuaranteesIt() {
        // One of two equal devices is placed; its owner's 3,000 IO stake gives it weight 4 against 1: 80% expected.
        ClusterRequest request = new ClusterRequest(DeviceKind.CPU, null, 0, 1, 1, null);
        Money price = PriceTable.pricePerDeviceHour(request);
        Candidate staked = cpuCandidate(3_000);
        Candidate unstaked = cpuCandidate(0);
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int draws = 20_000;
        int stakedWins = 0;
        for (int i = 0; i < draws; i++) {
            if (Placement.choose(request, price, "process", List.of(unstaked, staked), random).orElseThrow().getFirst()
                    == staked) {
                stakedWins++;
            }
        }
        assertThat(stakedWins / (double) draws).as("seed %d", seed).isBetween(0.77, 0.83);
    }

    @Test
    void customersWithoutStakeCannotTakeTheLastTenthOfAScarcePool() {
        assertThat(ScarcityPolicy.reserve(4)).isZero();
        assertThat(ScarcityPolicy.allows(4, 4, 0)).isTrue();
        assertThat(ScarcityPolicy.reserve(25)).isEqualTo(2);
        assertThat(ScarcityPolicy.allows(25, 23, 0)).isTrue();
        assertThat(ScarcityPolicy.allows(25, 24, 0)).isFalse();
        assertThat(ScarcityPolicy.allows(25, 25, ScarcityPolicy.PRIORITY_STAKE_IO_MIN)).isTrue();
    }

    private static Candidate cpuCandidate(long stakeIo) {
        return new Candidate(DeviceId.random(), AccountId.random(), DeviceKind.CPU, null, 0, "local", 0,
                Set.of("process"), stakeIo);
    }

    private static String region(SplittableRandom random) {
        return random.nextBoolean() ? null : REGIONS.get(random.nextInt(REGIONS.size()));
    }

    private static List<Candidate> pool(SplittableRandom random, int size) {
        List<Candidate> pool = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            boolean cpu = random.nextInt(4) == 0;
            pool.add(new Candidate(DeviceId.random(), AccountId.random(), cpu ? DeviceKind.CPU : DeviceKind.GPU,
                    cpu ? null : GpuModel.parse(MODELS.get(random.nextInt(MODELS.size()))), cpu ? 0 : 1 + random.nextInt(2),
                    REGIONS.get(random.nextInt(REGIONS.size())), random.nextLong(3_000_000),
                    random.nextInt(5) == 0 ? Set.of() : Set.of("process"), random.nextLong(5_000)));
        }
        return pool;
    }
}

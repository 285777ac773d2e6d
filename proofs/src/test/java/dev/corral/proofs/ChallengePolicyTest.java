package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import dev.corral.core.protocol.MemoryTask;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Challenge sizes and deadlines follow the claimed hardware; the numbers here are worked out by hand. */
class ChallengePolicyTest {
    private static final HardwareSpec TWO_CORES = new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, "cpu", 2, 4_096);
    private static final HardwareSpec H100 = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 1, 81_559,
            "550.54", "cpu", 64, 1_048_576);

    @Test
    void aCpuDeviceGetsTheProductOfTwoSecondsOnItsClaimedCores() {
        double speed = ChallengePolicy.expectedSpeed(TWO_CORES, false);
        assertThat(speed).isEqualTo(1.4e9);
        // cbrt(2 s x 1.4e9) = 1409.5; 1409^3 = 2,797,260,929 multiply-adds, twice 1.998 s = 3,997 ms, plus 5 s of network
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(speed, ChallengePolicy.WORK_STANDARD);
        assertThat(sizing.size()).isEqualTo(1_409);
        assertThat(sizing.deadline()).isEqualTo(Duration.ofMillis(8_997));
    }

    @Test
    void aGpuDeviceComputingOnItsGpuGetsAChallengeForTheClaimedCard() {
        // 67 TFLOPS FP32 / 32 = 2.09375e12 multiply-adds a second; cbrt(2 s x that) = 16,118.3
        double speed = ChallengePolicy.expectedSpeed(H100, true);
        assertThat(speed).isEqualTo(2.09375e12);
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(speed, ChallengePolicy.WORK_STANDARD);
        assertThat(sizing.size()).isEqualTo(16_118);
        // 16,118^3 = 4,187,293,995,032; twice that over the speed is 3.99980 s: 4,000 ms, plus 5 s
        assertThat(sizing.deadline()).isEqualTo(Duration.ofMillis(9_000));

        assertThat(ChallengePolicy.expectedSpeed(H100, false)).as("computing on its 64 claimed cores").isEqualTo(4.48e10);
        HardwareSpec unknown = new HardwareSpec(DeviceKind.GPU, "Acme Accelerator 9", 1, 16_384, "1.0", "cpu", 8, 65_536);
        assertThat(ChallengePolicy.expectedSpeed(unknown, true)).as("a card the catalog does not know").isEqualTo(5.6e9);
    }

    @Test
    void aGpuClaimIsProvenOnlyOnTheGpuEngineElseItsCpuCoresAre() {
        assertThat(ChallengePolicy.proven(H100, true)).isEqualTo(H100);
        HardwareSpec onCpu = ChallengePolicy.proven(H100, false);
        assertThat(onCpu.kind()).isEqualTo(DeviceKind.CPU);
        assertThat(onCpu.model()).isNull();
        assertThat(onCpu.gpuCount()).isZero();
        assertThat(onCpu.cpuCores()).isEqualTo(H100.cpuCores());
        assertThat(onCpu.memoryMb()).isEqualTo(H100.memoryMb());
        assertThat(ChallengePolicy.proven(TWO_CORES, false)).isEqualTo(TWO_CORES);
        assertThat(ChallengePolicy.proven(TWO_CORES, true)).isEqualTo(TWO_CORES);
    }

    @Test
    void hardwareMuchSlowerThanItsClaimAnswersLate() {
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(ChallengePolicy.expectedSpeed(H100, true),
                ChallengePolicy.WORK_STANDARD);
        double work = MatrixChallenge.deviceWork(sizing.size());
        double deadlineSeconds = sizing.deadline().toMillis() / 1000.0;
        // an A100 (19.5 TFLOPS FP32) claiming to be an H100 needs 6.9 s: within 9 s
        assertThat(work / (19.5e12 / 32)).isLessThan(deadlineSeconds);
        // a T4 (8.1 TFLOPS) needs 16.5 s, and 64 CPU cores at the expected 7e8 each 93 s: both late
        assertThat(work / (8.1e12 / 32)).isGreaterThan(deadlineSeconds);
        assertThat(work / 4.48e10).isGreaterThan(deadlineSeconds);
        // in general: anything much under 2/9 of the claimed speed misses (2 s of work, 9 s granted)
        assertThat(work / (ChallengePolicy.expectedSpeed(H100, true) / 4.6)).isGreaterThan(deadlineSeconds);
        assertThat(work / (ChallengePolicy.expectedSpeed(H100, true) / 4.4)).isLessThan(deadlineSeconds);
    }

    @Test
    void sizesStayWithinTheirBounds() {
        assertThat(ChallengePolicy.sizing(1.4e9, Duration.ZERO).size()).isEqualTo(ChallengePolicy.SIZE_MIN);
        assertThat(ChallengePolicy.sizing(1e15, ChallengePolicy.WORK_STANDARD).size())
                .isEqualTo(MatrixChallenge.SIZE_MAX);
    }

    @Test
    void aGpuOnTheGpuEngineGetsAMemoryPartFillingTheClaimedCardWorkedOutByHand() {
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(H100, true, ChallengePolicy.WORK_STANDARD);
        // 80 GiB x 0.85 / 8 bytes = 9,126,805,504 items. An H100 reads 3,350e9 x 0.5 / 32 = 5.234e10 random items a
        // second; the fastest-hashing card listed with less memory, the 48 GB L40S, hashes 91.6e12 / 96 = 9.54e11 a
        // second: 24 reads' time is 24 x 18.23 = 437 rounds of the hash on it. 24 reads an item = 2.19e11 reads, in
        // walks of 4,096 steps: 208,896 rows of 256 walkers.
        assertThat(sizing.memory()).isEqualTo(new MemoryTask(9_126_805_504L, 437, 53_477_376, 4_096));
        // the product's 2.0 s and the fill's 5.71 s (at the H100's 6.98e11 hashes a second), twice, plus 5 s; then
        // the walks' 4.50 s, twice, plus 5 s
        assertThat(sizing.deadline()).isEqualTo(Duration.ofMillis(20_430));
        assertThat(sizing.walkAllowance()).isEqualTo(Duration.ofMillis(13_998));
        assertThat(sizing.size()).isEqualTo(ChallengePolicy.sizing(ChallengePolicy.expectedSpeed(H100, true),
                ChallengePolicy.WORK_STANDARD).size());

        assertThat(ChallengePolicy.sizing(H100, false, ChallengePolicy.WORK_STANDARD).memory())
                .as("computing on the CPU: proven as a CPU device, no memory part").isNull();
        assertThat(ChallengePolicy.sizing(TWO_CORES, true, ChallengePolicy.WORK_STANDARD).memory()).isNull();
        HardwareSpec unlisted = new HardwareSpec(DeviceKind.GPU, "Acme Accelerator 9", 1, 16_384, "1.0", "cpu", 8,
                65_536);
        assertThat(ChallengePolicy.memory(unlisted).orElseThrow().items()).as("its claimed 16 GiB")
                .isEqualTo((long) (16L * (1 << 30) * 0.85 / 8));
        HardwareSpec huge = new HardwareSpec(DeviceKind.GPU, "Acme Accelerator 9", 1, 4L << 20, "1.0", "cpu", 8,
                65_536);
        assertThat(ChallengePolicy.memory(huge).orElseThrow().items()).as("4 TiB claimed").isEqualTo(MemoryWalk.ITEMS_MAX);
    }

    @Test
    void aDeviceGetsAChallengeForEachGpuItClaimsOnTheGpuEngine() {
        HardwareSpec eight = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559, "550.54", "cpu", 64,
                1_048_576);
        assertThat(ChallengePolicy.cardsChallenged(eight, true)).isEqualTo(8);
        assertThat(ChallengePolicy.cardsChallenged(eight, false)).as("proven as a CPU device").isEqualTo(1);
        assertThat(ChallengePolicy.cardsChallenged(TWO_CORES, true)).isEqualTo(1);
    }

    /**
     * What the memory part proves, worked out from the catalog's figures: on every card the GPU
     * engine runs on, a device holding less than 85% of the table (computing the rest again at
     * each read) misses the walks' deadline, while one holding all of it needs under half of it,
     * and fills the table in under half the first deadline.
     */
    @Test
    void onEveryCardADeviceHoldingUnderSixSeventhsOfTheTableIsLate() {
        for (HardwareCatalog.Gpu card : cudaCards()) {
            HardwareSpec claim = claim(card.model(), card.memoryGb());
            ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(claim, true, ChallengePolicy.WORK_STANDARD);
            ChallengePolicy.CardRates rates = ChallengePolicy.CardRates.of(card);
            double product = MatrixChallenge.deviceWork(sizing.size()) / ChallengePolicy.expectedSpeed(claim, true);
            assertThat(product + ChallengePolicy.fillSeconds(sizing.memory(), rates)).as(card.model())
                    .isLessThan(seconds(sizing.deadline()) / 2);
            assertThat(ChallengePolicy.walkSeconds(sizing.memory(), rates, 1.0)).as(card.model())
                    .isLessThan(seconds(sizing.walkAllowance()) / 2);
            assertThat(ChallengePolicy.walkSeconds(sizing.memory(), rates, 0.85)).as(card.model())
                    .isGreaterThan(seconds(sizing.walkAllowance()));
        }
    }

    /**
     * Every card listed with at most four fifths of another's memory, standing in for it at its
     * own speed and holding what its memory holds of the table, misses the walks' deadline: its
     * arithmetic cannot make up for the memory it lacks (a 24 GB RTX 4090 claiming an A100 80GB,
     * a 48 GB L40S claiming one, ...).
     */
    @Test
    void everySmallerCardClaimingABiggerOneIsLate() {
        for (HardwareCatalog.Gpu claimed : cudaCards()) {
            ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(claim(claimed.model(), claimed.memoryGb()), true,
                    ChallengePolicy.WORK_STANDARD);
            for (HardwareCatalog.Gpu actual : cudaCards()) {
                if (actual.memoryGb() * 5 > claimed.memoryGb() * 4) {
                    continue;
                }
                double held = Math.min(1.0, (double) actual.memoryGb() * (1L << 30) / (8.0 * sizing.memory().items()));
                assertThat(ChallengePolicy.walkSeconds(sizing.memory(), ChallengePolicy.CardRates.of(actual), held))
                        .as("%s claiming %s", actual.model(), claimed.model())
                        .isGreaterThan(seconds(sizing.walkAllowance()));
            }
        }
    }

    private static List<HardwareCatalog.Gpu> cudaCards() {
        return HardwareCatalog.gpus().stream().filter(card -> card.computeCapability() != null).toList();
    }

    private static HardwareSpec claim(String model, int memoryGb) {
        return new HardwareSpec(DeviceKind.GPU, model, 1, memoryGb * 1_024L, "1.0", "cpu", 16, 65_536);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}

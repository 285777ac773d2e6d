package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import dev.corral.core.protocol.MemoryTask;
import java.time.Duration;
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
        // 80 GiB x 0.85 / 8 bytes = 9,126,805,504 items; an H100 hashes 67e12 / 96 = 6.979e11 a second and reads
        // 3,350e9 x 0.5 / 32 = 5.234e10 random items a second: 24 reads' time is 24 x 13.33 = 320 rounds of the hash;
        // 24 reads an item = 2.19e11 reads, in walks of 4,096 steps: 52,224 rows of 1,024 walkers
        assertThat(sizing.memory()).isEqualTo(new MemoryTask(9_126_805_504L, 320, 53_477_376, 4_096));
        // the product's 4.0 s and the memory part's 4.18 s of fill and 4.23 s of walks, twice, plus 5 s
        assertThat(sizing.deadline()).isEqualTo(Duration.ofMillis(26_367));
        assertThat(sizing.size()).isEqualTo(ChallengePolicy.sizing(ChallengePolicy.expectedSpeed(H100, true),
                ChallengePolicy.WORK_STANDARD).size());

        assertThat(ChallengePolicy.sizing(H100, false, ChallengePolicy.WORK_STANDARD).memory())
                .as("computing on the CPU: proven as a CPU device, no memory part").isNull();
        assertThat(ChallengePolicy.sizing(TWO_CORES, true, ChallengePolicy.WORK_STANDARD).memory()).isNull();
        HardwareSpec unlisted = new HardwareSpec(DeviceKind.GPU, "Acme Accelerator 9", 1, 16_384, "1.0", "cpu", 8,
                65_536);
        assertThat(ChallengePolicy.memory(unlisted).orElseThrow().items()).as("its claimed 16 GiB")
                .isEqualTo((long) (16L * (1 << 30) * 0.85 / 8));
    }

    /**
     * What the memory part proves, worked out from the catalog's figures: on every card the GPU
     * engine runs on, a device holding less than 80% of the table (computing the rest again at
     * each read) misses the deadline, while one holding all of it needs under half of it.
     */
    @Test
    void onEveryCardADeviceHoldingUnderFourFifthsOfTheTableIsLate() {
        for (HardwareCatalog.Gpu card : HardwareCatalog.gpus()) {
            if (card.computeCapability() == null) {
                continue;
            }
            HardwareSpec claim = new HardwareSpec(DeviceKind.GPU, card.model(), 1, card.memoryGb() * 1_024L, "1.0", "cpu", 16,
                    65_536);
            ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(claim, true, ChallengePolicy.WORK_STANDARD);
            ChallengePolicy.CardRates rates = ChallengePolicy.CardRates.of(card);
            double product = MatrixChallenge.deviceWork(sizing.size()) / ChallengePolicy.expectedSpeed(claim, true);
            double deadline = sizing.deadline().toMillis() / 1000.0;
            assertThat(product + ChallengePolicy.memorySeconds(sizing.memory(), rates, 1.0)).as(card.model())
                    .isLessThan(deadline / 2);
            assertThat(product + ChallengePolicy.memorySeconds(sizing.memory(), rates, 0.8)).as(card.model())
                    .isGreaterThan(deadline);
        }
    }

    /** Cards with less memory than the claim, at their own speeds: a 24 GB RTX 4090 and a 40 GB A100 claiming 80 GB cards. */
    @Test
    void aSmallerCardClaimingABiggerOneIsLate() {
        assertLate("RTX 4090", "NVIDIA H100 80GB HBM3");
        assertLate("A100", "NVIDIA A100 80GB PCIe");
        assertLate("L40S", "NVIDIA H100 80GB HBM3");
    }

    private static void assertLate(String actual, String claimed) {
        HardwareCatalog.Gpu card = HardwareCatalog.gpu(GpuModel.parse(actual)).orElseThrow();
        HardwareSpec claim = new HardwareSpec(DeviceKind.GPU, claimed, 1, 81_920, "1.0", "cpu", 16, 65_536);
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(claim, true, ChallengePolicy.WORK_STANDARD);
        // it holds what its whole memory holds of the table, and multiplies at its own speed
        double held = Math.min(1.0, (double) card.memoryGb() * (1L << 30) / (8.0 * sizing.memory().items()));
        double seconds = MatrixChallenge.deviceWork(sizing.size()) / (card.fp32Tflops() * 1e12
                * ChallengePolicy.GPU_MULTIPLY_ADDS_PER_FP32_FLOP)
                + ChallengePolicy.memorySeconds(sizing.memory(), ChallengePolicy.CardRates.of(card), held);
        assertThat(seconds).as("%s claiming %s", actual, claimed).isGreaterThan(sizing.deadline().toMillis() / 1000.0);
    }
}

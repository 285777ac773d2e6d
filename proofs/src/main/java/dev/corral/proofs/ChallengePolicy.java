package dev.corral.proofs;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import dev.corral.core.protocol.MemoryTask;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * When challenges come, how big they are and how long a device has. Arrivals are a Poisson
 * process (exponential gaps around a named mean), so a device cannot tell when the next one
 * comes. The size follows the hardware the device claims: the matrix whose product takes
 * {@link #WORK_STANDARD} at the speed expected of that hardware. The deadline grants
 * {@link #SPEED_MARGIN} times that time plus an allowance for the network, so a device much
 * slower than its claim (a smaller card, or a CPU claiming to be a GPU) answers late. A GPU
 * computing on its card also gets a memory part ({@link MemoryWalk}) whose table fills
 * {@link #MEMORY_FILL_SHARE} of the card's memory, so a card holding less answers late too.
 */
public final class ChallengePolicy {
    public static final Duration MEAN_INTERVAL_DEFAULT = Duration.ofMinutes(20);
    /** How long the standard challenge takes at the claimed hardware's expected speed. */
    public static final Duration WORK_STANDARD = Duration.ofSeconds(2);
    /** The deadline grants this many times the expected compute time. */
    public static final int SPEED_MARGIN = 2;
    /**
     * With every core busy, the agent's Java path did 1.3e9-1.4e9 multiply-adds a second on the
     * 2-core development machine (`corral bench challenge`): about 7e8 per core.
     */
    public static final double CPU_CORE_MULTIPLY_ADDS_PER_SECOND = 7.0e8;
    /**
     * A modular multiply-add is about eight 32-bit integer instructions (the 64-bit product in
     * two halves, the Mersenne reduction, the sum), which issue at about half the rate of FP32
     * fused multiply-adds (two FLOPs each): 1/32 of the FP32 FLOPS the catalog lists. An
     * estimate from the instruction count, not yet a measurement: no GPU has run it.
     */
    public static final double GPU_MULTIPLY_ADDS_PER_FP32_FLOP = 1.0 / 32;
    /** Small enough for tests and the demo; the row check costs 4% of the work here and far less at real sizes. */
    public static final int SIZE_MIN = 64;
    /** Time for the challenge to reach the device and its commitment to come back. */
    public static final Duration NETWORK_ALLOWANCE = Duration.ofSeconds(5);
    /** After the deadline, the device still has this long to open the rows it was asked for. */
    public static final Duration OPEN_GRACE = Duration.ofSeconds(10);
    /**
     * The share of the claimed card's memory the memory part's table fills: the rest is for the
     * driver's context and the kernels (nvidia-smi shows a T4's 16 GB as 15,360 MiB with ECC on).
     */
    public static final double MEMORY_FILL_SHARE = 0.85;
    /**
     * The walks read each item of the table this many times on average, and an item takes as long
     * to compute again as this many random reads take: a card holding none of the table needs
     * this many times as long for its walks as one holding all of it.
     */
    public static final int MEMORY_READS_PER_ITEM = 24;
    /** Steps each walker aims at; the coordinator walks {@link MemoryWalk#ROWS_CHECKED} x {@link MemoryWalk#WALKERS_CHECKED_PER_ROW} of them. */
    public static final int WALK_STEPS_TARGET = 4_096;
    /**
     * A round of the table's hash is SplitMix64's finaliser: two 64-bit multiplies and three
     * shift-xors, about 24 32-bit integer instructions at half the rate of FP32 fused
     * multiply-adds. An estimate from the instruction count, not yet a measurement.
     */
    public static final double GPU_HASHES_PER_FP32_FLOP = 1.0 / 96;
    /** The smallest table (64 KiB), for networks whose challenges ask little work: tests and the demo. */
    public static final long MEMORY_ITEMS_MIN = 8_192;
    /** A random 8-byte read moves a whole 32-byte sector of the card's memory. */
    public static final int GPU_RANDOM_READ_BYTES = 32;
    /** The share of the card's sheet bandwidth that random sector reads reach: an estimate until measured. */
    public static final double GPU_RANDOM_READ_EFFICIENCY = 0.5;
    /** A card the catalog does not list gets the memory part timed as the slowest card the GPU engine runs on. */
    static final GpuModel UNLISTED_GPU_TIMED_AS = GpuModel.parse("T4");

    /**
     * A device's challenge: the size of its matrices, the memory part (null but for a GPU
     * computing on its card), the time it has to commit to the answer (with a memory part: to
     * compute the product and fill the table), and with a memory part the time its walks get
     * once the table is filled (else null).
     */
    public record Sizing(int size, MemoryTask memory, Duration deadline, Duration walkAllowance) {
        public Sizing {
            requireNonNull(deadline, "deadline is null");
            if ((memory == null) != (walkAllowance == null)) {
                throw new IllegalArgumentException("a walk allowance goes with a memory part");
            }
        }
    }

    /** What a card is expected to do a second: table hashes and random 8-byte reads of its memory. */
    public record CardRates(double hashesPerSecond, double readsPerSecond) {
        public static CardRates of(HardwareCatalog.Gpu card) {
            return new CardRates(card.fp32Tflops() * 1e12 * GPU_HASHES_PER_FP32_FLOP,
                    card.memoryBandwidthGbs() * 1e9 * GPU_RANDOM_READ_EFFICIENCY / GPU_RANDOM_READ_BYTES);
        }
    }

    private ChallengePolicy() {}

    /**
     * Multiply-adds a second expected of the claimed hardware when the agent computes on the
     * engine it declares: one GPU of the claimed model for the GPU engine, all claimed cores
     * otherwise (and for a GPU model the catalog does not know).
     */
    public static double expectedSpeed(HardwareSpec claim, boolean gpuEngine) {
        if (gpuEngine && claim.kind() == DeviceKind.GPU) {
            OptionalDouble card = gpuSpeed(claim.model());
            if (card.isPresent()) {
                return card.getAsDouble();
            }
        }
        return claim.cpuCores() * CPU_CORE_MULTIPLY_ADDS_PER_SECOND;
    }

    /**
     * What a device's passed challenges prove of its claim, and so what it may be offered as: its
     * GPUs only when it computes challenges on them (the GPU engine, sized and timed for the
     * claimed model); a device computing on its CPU proves its CPU cores, whatever its GPU
     * inventory (a fake nvidia-smi's, say) says.
     */
    public static HardwareSpec proven(HardwareSpec claim, boolean gpuEngine) {
        return claim.kind() == DeviceKind.GPU && !gpuEngine ? claim.cpuOnly() : claim;
    }

    /**
     * How many challenges a device gets at a time, all with one deadline: one for each GPU it
     * claims when it computes them on its GPUs (each on its own card, in parallel), else one.
     * A machine with fewer cards must compute the rest one after another on the cards it has.
     */
    public static int cardsChallenged(HardwareSpec claim, boolean gpuEngine) {
        return gpuEngine && claim.kind() == DeviceKind.GPU ? Math.max(1, claim.gpuCount()) : 1;
    }

    /** Multiply-adds a second expected of one card of this model on the GPU engine; empty for a model the catalog does not know. */
    public static OptionalDouble gpuSpeed(GpuModel model) {
        return HardwareCatalog.gpu(model).map(card -> OptionalDouble.of(card.fp32Tflops() * 1e12
                * GPU_MULTIPLY_ADDS_PER_FP32_FLOP)).orElse(OptionalDouble.empty());
    }

    /** The matrices for hardware of this expected speed: {@code work} long at that speed, within the size bounds; no memory part. */
    public static Sizing sizing(double expectedSpeed, Duration work) {
        if (!(expectedSpeed > 0)) {
            throw new IllegalArgumentException("expected speed must be positive");
        }
        double multiplyAdds = expectedSpeed * work.toNanos() / 1e9;
        int size = (int) Math.max(SIZE_MIN, Math.min(MatrixChallenge.SIZE_MAX, Math.round(Math.cbrt(multiplyAdds))));
        return new Sizing(size, null, deadline(MatrixChallenge.deviceWork(size) / expectedSpeed), null);
    }

    /**
     * The challenge for a device's claim: the matrices for its expected speed and, for a GPU on
     * the GPU engine, the memory part for the claimed card. The deadline grants
     * {@link #SPEED_MARGIN} times the expected time of the product and the table's fill; the walks
     * get as many times theirs once the device said its table is filled.
     */
    public static Sizing sizing(HardwareSpec claim, boolean gpuEngine, Duration work) {
        double speed = expectedSpeed(claim, gpuEngine);
        Sizing matrices = sizing(speed, work);
        Optional<MemoryTask> memory = gpuEngine ? memory(claim, work) : Optional.empty();
        if (memory.isEmpty()) {
            return matrices;
        }
        CardRates rates = rates(claim);
        return new Sizing(matrices.size(), memory.get(), deadline(MatrixChallenge.deviceWork(matrices.size()) / speed
                + fillSeconds(memory.get(), rates)), deadline(walkSeconds(memory.get(), rates, 1.0)));
    }

    private static Duration deadline(double expectedSeconds) {
        return Duration.ofMillis((long) Math.ceil(SPEED_MARGIN * expectedSeconds * 1000)).plus(NETWORK_ALLOWANCE);
    }

    /**
     * The memory part for a GPU claim: a table filling {@link #MEMORY_FILL_SHARE} of the memory
     * the device is offered with (the catalog's for a listed model, else its claimed memory), and
     * walks reading each item {@link #MEMORY_READS_PER_ITEM} times. The rounds make an item as
     * dear to compute again, on the fastest-hashing card listed with less memory than the claim,
     * as that many reads on the claimed card: a smaller card standing in for a bigger one cannot
     * make up with its arithmetic what it lacks in memory. Empty for a CPU claim or a GPU claiming
     * no memory.
     */
    public static Optional<MemoryTask> memory(HardwareSpec claim) {
        return memory(claim, WORK_STANDARD);
    }

    /**
     * The memory part for a network whose challenges ask {@code work} of a device instead of the
     * standard: its table shrinks by as much (tests and the demo ask little), to no fewer than
     * {@link #MEMORY_ITEMS_MIN} items.
     */
    static Optional<MemoryTask> memory(HardwareSpec claim, Duration work) {
        if (claim.kind() != DeviceKind.GPU) {
            return Optional.empty();
        }
        long bytes = HardwareCatalog.gpu(claim.model()).map(card -> (long) card.memoryGb() << 30)
                .orElse(claim.vramMbPerGpu() << 20);
        if (bytes < 1) {
            return Optional.empty();
        }
        double scale = Math.min(1.0, (double) work.toNanos() / WORK_STANDARD.toNanos());
        long items = Math.clamp((long) (bytes * MEMORY_FILL_SHARE * scale / 8), MEMORY_ITEMS_MIN, MemoryWalk.ITEMS_MAX);
        CardRates rates = rates(claim);
        double fastestHashes = HardwareCatalog.gpus().stream()
                .filter(card -> card.computeCapability() != null && ((long) card.memoryGb() << 30) < bytes)
                .mapToDouble(card -> CardRates.of(card).hashesPerSecond()).max().orElse(0);
        int rounds = (int) Math.clamp(Math.round(MEMORY_READS_PER_ITEM * Math.max(fastestHashes,
                rates.hashesPerSecond()) / rates.readsPerSecond()), 1, MemoryWalk.ROUNDS_MAX);
        double reads = (double) MEMORY_READS_PER_ITEM * items;
        int rows = (int) Math.clamp((long) Math.ceil(reads / WALK_STEPS_TARGET / MemoryWalk.WALKERS_PER_ROW),
                MemoryWalk.ROWS_CHECKED, MemoryWalk.ROWS_MAX);
        int walkers = rows * MemoryWalk.WALKERS_PER_ROW;
        int steps = (int) Math.clamp((long) Math.ceil(reads / walkers), 1, MemoryWalk.STEPS_MAX);
        return Optional.of(new MemoryTask(items, rounds, walkers, steps));
    }

    /** The claimed card's expected rates; an unlisted card's are those of {@link #UNLISTED_GPU_TIMED_AS}. */
    static CardRates rates(HardwareSpec claim) {
        return CardRates.of(HardwareCatalog.gpu(claim.model())
                .orElseGet(() -> HardwareCatalog.gpu(UNLISTED_GPU_TIMED_AS).orElseThrow()));
    }

    /** Seconds a card of these rates needs to fill the whole table. */
    public static double fillSeconds(MemoryTask task, CardRates card) {
        return (double) task.items() * task.rounds() / card.hashesPerSecond();
    }

    /**
     * Seconds a card of these rates needs for the walks when it holds only {@code shareHeld} of
     * the table: it computes every other item again ({@code rounds} hashes) each time a walk
     * reads it. The whole table held is the honest time.
     */
    public static double walkSeconds(MemoryTask task, CardRates card, double shareHeld) {
        double reads = (double) task.walkers() * task.steps();
        return reads * (shareHeld / card.readsPerSecond() + (1 - shareHeld) * task.rounds() / card.hashesPerSecond()
                + 1 / card.hashesPerSecond());
    }

    /** The gap to the next challenge: exponential with this mean, at least one second. */
    public static Duration nextGap(Duration mean, RandomGenerator random) {
        double gap = -Math.log(1 - random.nextDouble()) * mean.toMillis();
        return Duration.ofMillis(Math.max(1_000, (long) gap));
    }
}

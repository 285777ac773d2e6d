package dev.corral.proofs;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * When challenges come, how big they are and how long a device has. Arrivals are a Poisson
 * process (exponential gaps around a named mean), so a device cannot tell when the next one
 * comes. The size follows the hardware the device claims: the matrix whose product takes
 * {@link #WORK_STANDARD} at the speed expected of that hardware. The deadline grants
 * {@link #SPEED_MARGIN} times that time plus an allowance for the network, so a device much
 * slower than its claim (a smaller card, or a CPU claiming to be a GPU) answers late.
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

    /** A device's challenge size and the time it has to commit to the answer. */
    public record Sizing(int size, Duration deadline) {
        public Sizing {
            requireNonNull(deadline, "deadline is null");
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

    /** Multiply-adds a second expected of one card of this model on the GPU engine; empty for a model the catalog does not know. */
    public static OptionalDouble gpuSpeed(GpuModel model) {
        return HardwareCatalog.gpu(model).map(card -> OptionalDouble.of(card.fp32Tflops() * 1e12
                * GPU_MULTIPLY_ADDS_PER_FP32_FLOP)).orElse(OptionalDouble.empty());
    }

    /** The challenge for hardware of this expected speed: {@code work} long at that speed, within the size bounds. */
    public static Sizing sizing(double expectedSpeed, Duration work) {
        if (!(expectedSpeed > 0)) {
            throw new IllegalArgumentException("expected speed must be positive");
        }
        double multiplyAdds = expectedSpeed * work.toNanos() / 1e9;
        int size = (int) Math.max(SIZE_MIN, Math.min(MatrixChallenge.SIZE_MAX, Math.round(Math.cbrt(multiplyAdds))));
        double seconds = SPEED_MARGIN * MatrixChallenge.deviceWork(size) / expectedSpeed;
        return new Sizing(size, Duration.ofMillis((long) Math.ceil(seconds * 1000)).plus(NETWORK_ALLOWANCE));
    }

    /** The gap to the next challenge: exponential with this mean, at least one second. */
    public static Duration nextGap(Duration mean, RandomGenerator random) {
        double gap = -Math.log(1 - random.nextDouble()) * mean.toMillis();
        return Duration.ofMillis(Math.max(1_000, (long) gap));
    }
}

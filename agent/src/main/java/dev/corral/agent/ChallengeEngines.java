package dev.corral.agent;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the best challenge engine this machine has. */
public final class ChallengeEngines {
    private static final Logger LOG = LoggerFactory.getLogger(ChallengeEngines.class);
    /** Why the GPU engine could not open in this process, once it has failed: many agents in one process try once. */
    private static volatile String gpuUnavailable;

    private ChallengeEngines() {}

    /**
     * The GPU engine for a GPU device whose driver and card take the challenge kernels, otherwise
     * the CPU engine (and the reason, logged: no driver, a card older than the kernels' PTX, ...).
     */
    public static ChallengeEngine best(HardwareSpec hardware) {
        if (hardware.kind() != DeviceKind.GPU || gpuUnavailable != null) {
            return cpu();
        }
        try {
            ChallengeEngine engine = CudaChallengeEngine.open();
            LOG.info("challenges compute on {}", engine.description());
            return engine;
        } catch (CudaChallengeEngine.CudaException e) {
            gpuUnavailable = e.getMessage();
            LOG.warn("challenges compute on the CPU: the GPU engine cannot run here ({})", gpuUnavailable);
            return cpu();
        }
    }

    /** The Java path on every core. */
    public static ChallengeEngine cpu() {
        return new ChallengeEngine() {
            @Override
            public String description() {
                return "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
            }

            @Override
            public boolean gpu() {
                return false;
            }

            @Override
            public MatrixChallenge.Answer compute(MatrixChallenge.Spec spec, BooleanSupplier giveUp) {
                return MatrixChallenge.compute(spec, giveUp);
            }

            @Override
            public MemoryWalk.Answer walk(MemoryWalk.Spec spec, BooleanSupplier giveUp) {
                return MemoryWalk.compute(spec, giveUp);
            }

            @Override
            public void close() {}
        };
    }
}

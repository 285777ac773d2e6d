package dev.corral.agent;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
     * The GPU engine for a GPU device whose driver and card take the challenge kernels (one
     * engine for each card it claims that opens), otherwise the CPU engine (and the reason,
     * logged: no driver, a card older than the kernels' PTX, ...).
     */
    public static ChallengeEngine best(HardwareSpec hardware) {
        if (hardware.kind() != DeviceKind.GPU || gpuUnavailable != null) {
            return cpu();
        }
        List<CudaChallengeEngine> cards = new ArrayList<>();
        try {
            cards.add(CudaChallengeEngine.open(0));
        } catch (CudaChallengeEngine.CudaException e) {
            gpuUnavailable = e.getMessage();
            LOG.warn("challenges compute on the CPU: the GPU engine cannot run here ({})", gpuUnavailable);
            return cpu();
        }
        for (int gpu = 1; gpu < hardware.gpuCount(); gpu++) {
            try {
                cards.add(CudaChallengeEngine.open(gpu));
            } catch (CudaChallengeEngine.CudaException e) {
                LOG.warn("GPU {} of the {} claimed cannot compute challenges ({}): its challenges go unanswered", gpu,
                        hardware.gpuCount(), e.getMessage());
                break;
            }
        }
        ChallengeEngine engine = cards.size() == 1 ? cards.getFirst() : new Cards(cards);
        LOG.info("challenges compute on {}", engine.description());
        return engine;
    }

    /** The engines of a device's GPUs, one a card: each challenge computes on the card it names. */
    private record Cards(List<CudaChallengeEngine> cards) implements ChallengeEngine {
        @Override
        public String description() {
            return "cuda (" + cards.size() + " x " + cards.getFirst().gpuName() + ")";
        }

        @Override
        public boolean gpu() {
            return true;
        }

        @Override
        public MatrixChallenge.Answer compute(MatrixChallenge.Spec spec, BooleanSupplier giveUp) {
            return cards.getFirst().compute(spec, giveUp);
        }

        @Override
        public FilledTable fill(MemoryWalk.Spec spec, BooleanSupplier giveUp) {
            return cards.getFirst().fill(spec, giveUp);
        }

        @Override
        public Optional<ChallengeEngine> card(int gpu) {
            return gpu >= 0 && gpu < cards.size() ? Optional.of(cards.get(gpu)) : Optional.empty();
        }

        @Override
        public void close() {
            cards.forEach(CudaChallengeEngine::close);
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
            public FilledTable fill(MemoryWalk.Spec spec, BooleanSupplier giveUp) {
                MemoryWalk.Table table = MemoryWalk.fill(spec, giveUp);
                return new FilledTable() {
                    @Override
                    public MemoryWalk.Answer walk(long walkSeed, BooleanSupplier giveUpWalking) {
                        return MemoryWalk.walk(spec, walkSeed, table, giveUpWalking);
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public void close() {}
        };
    }
}

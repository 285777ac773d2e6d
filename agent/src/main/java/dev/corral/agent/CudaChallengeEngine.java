package dev.corral.agent;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Computes challenges on the first NVIDIA GPU through the driver API: builds A and B on the
 * card from the seed, multiplies them with the kernel in agent/src/main/cuda/challenge.cu
 * (loaded as PTX), copies C back a band of rows at a time and commits to it on the CPU; then
 * fills the memory part's table on the card, holds it until the walk seed comes, walks it and
 * commits to the walks' ends.
 * CUDA binds its context to an operating-system thread, so all GPU work runs on one platform
 * thread that this engine owns; challenges therefore run on the card one at a time.
 */
public final class CudaChallengeEngine implements ChallengeEngine {
    static final String PTX_RESOURCE = "/dev/corral/agent/challenge.ptx";
    /** The kernels' tile: matrices are padded with zeros to a multiple of it. */
    static final int TILE = 64;
    static final int BLOCK_THREADS = 16;
    /** Rows of C per kernel launch: the giving-up check runs between bands, and a band is what is copied back at once. */
    static final int BAND_ROWS = 1_024;
    static final int FILL_BLOCKS = 4_096;
    static final int FILL_THREADS = 256;
    /** Items of the memory part's table filled a launch (2 GiB): the giving-up check runs between launches. */
    static final long TABLE_ITEMS_PER_LAUNCH = 1L << 28;
    /** Walkers a launch (32 MiB of final states, copied back at once); the giving-up check runs between launches. */
    static final int WALKERS_PER_LAUNCH = 1 << 22;
    static final int WALK_THREADS = 256;

    /** How long the last challenge's phases took on the card, in nanoseconds: for `corral bench challenge`. */
    public record Phases(long fillNanos, long multiplyNanos, long copyNanos, long commitNanos) {}

    /** How long the last memory part's phases took, in nanoseconds: the table filled, the walks (copies included), the commitment. */
    public record MemoryPhases(long fillNanos, long walkNanos, long commitNanos) {}

    private final CudaDriver cuda;
    private final ExecutorService thread;
    private final int device;
    private final String name;
    private final Pointer module;
    private final Pointer fill;
    private final Pointer multiply;
    private final Pointer memoryFill;
    private final Pointer memoryWalk;
    private volatile Phases lastPhases;
    private volatile MemoryPhases lastMemoryPhases;

    private CudaChallengeEngine(CudaDriver cuda, ExecutorService thread, int device, String name, Pointer module,
            Pointer fill, Pointer multiply, Pointer memoryFill, Pointer memoryWalk) {
        this.cuda = cuda;
        this.thread = thread;
        this.device = device;
        this.name = name;
        this.module = module;
        this.fill = fill;
        this.multiply = multiply;
        this.memoryFill = memoryFill;
        this.memoryWalk = memoryWalk;
    }

    /** Opens the first GPU; throws CudaException, saying why, when it cannot (no driver, no card, PTX refused). */
    public static CudaChallengeEngine open() {
        return open(0);
    }

    /** Opens GPU {@code ordinal} as the driver numbers them; throws CudaException, saying why, when it cannot. */
    public static CudaChallengeEngine open(int ordinal) {
        CudaDriver cuda;
        try {
            cuda = CudaDriver.load();
        } catch (UnsatisfiedLinkError e) {
            throw new CudaException("no NVIDIA driver: " + e.getMessage());
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cuda-challenge").daemon()
                .factory());
        try {
            return onThread(thread, () -> {
                check(cuda, cuda.cuInit(0), "cuInit");
                IntByReference count = new IntByReference();
                check(cuda, cuda.cuDeviceGetCount(count), "cuDeviceGetCount");
                if (count.getValue() <= ordinal) {
                    throw new CudaException("the driver sees " + count.getValue() + " GPUs, no GPU " + ordinal);
                }
                IntByReference device = new IntByReference();
                check(cuda, cuda.cuDeviceGet(device, ordinal), "cuDeviceGet");
                byte[] name = new byte[256];
                check(cuda, cuda.cuDeviceGetName(name, name.length, device.getValue()), "cuDeviceGetName");
                PointerByReference context = new PointerByReference();
                check(cuda, cuda.cuDevicePrimaryCtxRetain(context, device.getValue()), "cuDevicePrimaryCtxRetain");
                check(cuda, cuda.cuCtxSetCurrent(context.getValue()), "cuCtxSetCurrent");
                PointerByReference module = new PointerByReference();
                check(cuda, cuda.cuModuleLoadData(module, ptx()), "cuModuleLoadData (the challenge kernels' PTX)");
                return new CudaChallengeEngine(cuda, thread, device.getValue(), Native.toString(name),
                        module.getValue(), function(cuda, module.getValue(), "fill"),
                        function(cuda, module.getValue(), "multiply"), function(cuda, module.getValue(), "memoryFill"),
                        function(cuda, module.getValue(), "memoryWalk"));
            });
        } catch (RuntimeException e) {
            thread.shutdownNow();
            throw e;
        }
    }

    private static Pointer function(CudaDriver cuda, Pointer module, String name) {
        PointerByReference function = new PointerByReference();
        check(cuda, cuda.cuModuleGetFunction(function, module, name), "cuModuleGetFunction(" + name + ")");
        return function.getValue();
    }

    @Override
    public String description() {
        return "cuda (" + name + ")";
    }

    /** The card's name as the driver reports it, the same string nvidia-smi prints. */
    public String gpuName() {
        return name;
    }

    @Override
    public boolean gpu() {
        return true;
    }

    /** The phases of the last challenge computed, or null before the first. */
    public Phases lastPhases() {
        return lastPhases;
    }

    /** The phases of the last memory part computed, or null before the first. */
    public MemoryPhases lastMemoryPhases() {
        return lastMemoryPhases;
    }

    @Override
    public MatrixChallenge.Answer compute(MatrixChallenge.Spec spec, BooleanSupplier giveUp) {
        return onThread(thread, () -> computeHere(spec, giveUp));
    }

    private MatrixChallenge.Answer computeHere(MatrixChallenge.Spec spec, BooleanSupplier giveUp) {
        int n = spec.size();
        int width = (n + TILE - 1) / TILE * TILE;
        long bytes = 4L * width * width;
        long a = 0;
        long b = 0;
        long c = 0;
        Pointer band = null;
        try {
            long start = System.nanoTime();
            a = allocate(bytes);
            b = allocate(bytes);
            c = allocate(bytes);
            launch(fill, FILL_BLOCKS, 1, FILL_THREADS, 1, a, spec.seed(), MatrixChallenge.TAG_A, n, width);
            launch(fill, FILL_BLOCKS, 1, FILL_THREADS, 1, b, spec.seed(), MatrixChallenge.TAG_B, n, width);
            check(cuda, cuda.cuCtxSynchronize(), "fill");
            long filled = System.nanoTime();
            long multiplyNanos = 0;
            long copyNanos = 0;
            PointerByReference host = new PointerByReference();
            check(cuda, cuda.cuMemAllocHost_v2(host, 4L * BAND_ROWS * width), "cuMemAllocHost");
            band = host.getValue();
            int[][] rows = new int[n][];
            for (int first = 0; first < n; first += BAND_ROWS) {
                giveUpIf(giveUp, "at row " + first);
                int bandRows = Math.min(BAND_ROWS, width - first);
                long launched = System.nanoTime();
                launch(multiply, width / TILE, bandRows / TILE, BLOCK_THREADS, BLOCK_THREADS, a, b, c, width, first);
                check(cuda, cuda.cuCtxSynchronize(), "multiply");
                long multiplied = System.nanoTime();
                check(cuda, cuda.cuMemcpyDtoH_v2(band, c + 4L * first * width, 4L * bandRows * width), "cuMemcpyDtoH");
                for (int i = first; i < Math.min(n, first + bandRows); i++) {
                    rows[i] = new int[n];
                    band.read(4L * (i - first) * width, rows[i], 0, n);
                }
                multiplyNanos += multiplied - launched;
                copyNanos += System.nanoTime() - multiplied;
            }
            long copied = System.nanoTime();
            MatrixChallenge.Answer answer = MatrixChallenge.commit(rows);
            lastPhases = new Phases(filled - start, multiplyNanos, copyNanos, System.nanoTime() - copied);
            return answer;
        } finally {
            if (band != null) {
                cuda.cuMemFreeHost(band);
            }
            for (long pointer : new long[] {a, b, c}) {
                if (pointer != 0) {
                    cuda.cuMemFree_v2(pointer);
                }
            }
        }
    }

    @Override
    public FilledTable fill(MemoryWalk.Spec spec, BooleanSupplier giveUp) {
        return onThread(thread, () -> fillHere(spec, giveUp));
    }

    /**
     * The table in one allocation of the card's memory (a card holding less than the claim fails
     * here, and the challenge goes unanswered), filled in launches; it stays on the card until
     * the returned table is closed.
     */
    private FilledTable fillHere(MemoryWalk.Spec spec, BooleanSupplier giveUp) {
        long start = System.nanoTime();
        long table;
        try {
            table = allocate(spec.tableBytes());
        } catch (CudaException e) {
            throw new CudaException(String.format("the card cannot hold the memory part's table of %.1f GiB, "
                    + "sized for the memory it claims (%s)", spec.tableBytes() / (double) (1L << 30), e.getMessage()));
        }
        try {
            for (long first = 0; first < spec.items(); first += TABLE_ITEMS_PER_LAUNCH) {
                giveUpIf(giveUp, "filling its table");
                launch(memoryFill, FILL_BLOCKS, 1, FILL_THREADS, 1, table, spec.seed(), first,
                        Math.min(TABLE_ITEMS_PER_LAUNCH, spec.items() - first), spec.rounds());
                check(cuda, cuda.cuCtxSynchronize(), "memoryFill");
            }
        } catch (RuntimeException e) {
            cuda.cuMemFree_v2(table);
            throw e;
        }
        long fillNanos = System.nanoTime() - start;
        return new FilledTable() {
            @Override
            public MemoryWalk.Answer walk(long walkSeed, BooleanSupplier giveUpWalking) {
                return onThread(thread, () -> walkHere(spec, table, walkSeed, giveUpWalking, fillNanos));
            }

            @Override
            public void close() {
                onThread(thread, () -> cuda.cuMemFree_v2(table));
            }
        };
    }

    /** The walks in launches, each launch's final states copied back through pinned memory; the commitment on the CPU. */
    private MemoryWalk.Answer walkHere(MemoryWalk.Spec spec, long table, long walkSeed, BooleanSupplier giveUp,
            long fillNanos) {
        int batch = Math.min(WALKERS_PER_LAUNCH, spec.walkers());
        long states = 0;
        Pointer host = null;
        try {
            long start = System.nanoTime();
            states = allocate(8L * batch);
            PointerByReference pinned = new PointerByReference();
            check(cuda, cuda.cuMemAllocHost_v2(pinned, 8L * batch), "cuMemAllocHost");
            host = pinned.getValue();
            long[] finals = new long[spec.walkers()];
            for (int first = 0; first < spec.walkers(); first += batch) {
                giveUpIf(giveUp, "walking");
                int count = Math.min(batch, spec.walkers() - first);
                launch(memoryWalk, (count + WALK_THREADS - 1) / WALK_THREADS, 1, WALK_THREADS, 1, table, states,
                        walkSeed, spec.items(), spec.steps(), (long) first, count);
                check(cuda, cuda.cuCtxSynchronize(), "memoryWalk");
                check(cuda, cuda.cuMemcpyDtoH_v2(host, states, 8L * count), "cuMemcpyDtoH");
                host.read(0, finals, first, count);
            }
            long walked = System.nanoTime();
            MemoryWalk.Answer answer = MemoryWalk.commit(finals);
            lastMemoryPhases = new MemoryPhases(fillNanos, walked - start, System.nanoTime() - walked);
            return answer;
        } finally {
            if (host != null) {
                cuda.cuMemFreeHost(host);
            }
            if (states != 0) {
                cuda.cuMemFree_v2(states);
            }
        }
    }

    private static void giveUpIf(BooleanSupplier giveUp, String phase) {
        if (giveUp.getAsBoolean()) {
            throw new CancellationException("challenge given up " + phase);
        }
    }

    private long allocate(long bytes) {
        LongByReference pointer = new LongByReference();
        check(cuda, cuda.cuMemAlloc_v2(pointer, bytes), "cuMemAlloc of " + bytes + " bytes");
        return pointer.getValue();
    }

    /** Launches a kernel whose parameters are device pointers and 64-bit values (Long) or 32-bit ones (Integer). */
    private void launch(Pointer function, int gridX, int gridY, int blockX, int blockY, Object... arguments) {
        Memory values = new Memory(8L * arguments.length);
        Memory parameters = new Memory((long) Native.POINTER_SIZE * arguments.length);
        for (int i = 0; i < arguments.length; i++) {
            switch (arguments[i]) {
                case Long value -> values.setLong(8L * i, value);
                case Integer value -> values.setInt(8L * i, value);
                default -> throw new IllegalArgumentException("kernel arguments are Long or Integer");
            }
            parameters.setPointer((long) Native.POINTER_SIZE * i, values.share(8L * i));
        }
        check(cuda, cuda.cuLaunchKernel(function, gridX, gridY, 1, blockX, blockY, 1, 0, null, parameters, null),
                "cuLaunchKernel");
        // The launch has copied the values; until it returned, only raw addresses in `parameters` pointed at them.
        Reference.reachabilityFence(values);
    }

    @Override
    public void close() {
        try {
            onThread(thread, () -> {
                cuda.cuModuleUnload(module);
                cuda.cuDevicePrimaryCtxRelease_v2(device);
                return null;
            });
        } finally {
            thread.shutdownNow();
        }
    }

    /** The kernels' PTX from the agent's jar, NUL-terminated as the driver reads it. */
    private static Memory ptx() {
        try (InputStream in = CudaChallengeEngine.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new CudaException("this build carries no " + PTX_RESOURCE);
            }
            byte[] text = in.readAllBytes();
            Memory image = new Memory(text.length + 1L);
            image.write(0, text, 0, text.length);
            image.setByte(text.length, (byte) 0);
            return image;
        } catch (IOException e) {
            throw new CudaException("cannot read " + PTX_RESOURCE + ": " + e.getMessage());
        }
    }

    private static void check(CudaDriver cuda, int result, String call) {
        if (result != CudaDriver.SUCCESS) {
            PointerByReference name = new PointerByReference();
            String error = cuda.cuGetErrorName(result, name) == CudaDriver.SUCCESS && name.getValue() != null
                    ? name.getValue().getString(0, StandardCharsets.US_ASCII.name()) : "CUresult " + result;
            throw new CudaException(call + " failed: " + error);
        }
    }

    /** Runs on the engine's thread, where its CUDA context is current, and hands back the result or the exception. */
    private static <T> T onThread(ExecutorService thread, Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new CudaException(e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while the GPU computed");
        }
    }

    /** The driver refused a call, or the engine cannot run on this machine. */
    public static final class CudaException extends RuntimeException {
        CudaException(String message) {
            super(message);
        }
    }
}

package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.Runtimes;
import java.util.Collection;

/**
 * One device as the scheduler's index holds it: what it is, where, who runs it, what its
 * owner asks at least, whether it can take work now (online, with a runtime we deploy), and
 * which runtimes it runs ranks in ({@link #RUNTIME_CONTAINER}, {@link #RUNTIME_PROCESS}).
 * VRAM is in whole GB per GPU (0 for a CPU device); the driver version is its leading
 * "major.minor" as a number (0 when unknown); tiers are 1 (lowest) to 4.
 */
public record PoolDevice(DeviceId id, AccountId owner, DeviceKind kind, GpuModel model, int gpuCount, int vramGb,
        int cpuCores, String region, String country, SupplierType supplier, int securityTier, int connectivityTier,
        double reliability, long priceFloorMicros, double driverVersion, boolean takesWork, int runtimes, long diskGb) {
    public static final int TIER_MIN = 1;
    public static final int TIER_MAX = 4;
    /** Runtime bits: the device runs ranks in containers. */
    public static final int RUNTIME_CONTAINER = 1;
    /** Runtime bits: the device runs ranks as plain processes (its owner allows it). */
    public static final int RUNTIME_PROCESS = 2;
    public static final int RUNTIMES_ALL = RUNTIME_CONTAINER | RUNTIME_PROCESS;

    /** A device that runs ranks in every runtime. */
    public PoolDevice(DeviceId id, AccountId owner, DeviceKind kind, GpuModel model, int gpuCount, int vramGb,
            int cpuCores, String region, String country, SupplierType supplier, int securityTier, int connectivityTier,
            double reliability, long priceFloorMicros, double driverVersion, boolean takesWork) {
        this(id, owner, kind, model, gpuCount, vramGb, cpuCores, region, country, supplier, securityTier,
                connectivityTier, reliability, priceFloorMicros, driverVersion, takesWork, RUNTIMES_ALL, 0);
    }

    public PoolDevice {
        requireNonNull(id, "id is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(region, "region is null");
        requireNonNull(country, "country is null");
        requireNonNull(supplier, "supplier is null");
        if ((kind == DeviceKind.GPU) != (model != null)) {
            throw new IllegalArgumentException("a GPU device has a model and a CPU device none");
        }
        if (securityTier < TIER_MIN || securityTier > TIER_MAX || connectivityTier < TIER_MIN
                || connectivityTier > TIER_MAX) {
            throw new IllegalArgumentException("tiers are " + TIER_MIN + ".." + TIER_MAX);
        }
        if (!(reliability >= 0 && reliability <= 1)) {
            throw new IllegalArgumentException("reliability is 0..1, not " + reliability);
        }
        if (priceFloorMicros < 0) {
            throw new IllegalArgumentException("price floor is negative");
        }
        if ((runtimes & ~RUNTIMES_ALL) != 0) {
            throw new IllegalArgumentException("unknown runtime bits " + runtimes);
        }
        if (diskGb < 0) {
            throw new IllegalArgumentException("disk is negative");
        }
    }

    /** The runtime bit of a runtime's name ({@link Runtimes}); 0 for a name that is not a rank runtime. */
    public static int runtimeBit(String runtime) {
        return switch (runtime) {
            case Runtimes.CONTAINER -> RUNTIME_CONTAINER;
            case Runtimes.PROCESS -> RUNTIME_PROCESS;
            default -> 0;
        };
    }

    /** The runtime bits of the runtimes a device declares. */
    public static int runtimeBits(Collection<String> runtimes) {
        int bits = 0;
        for (String runtime : runtimes) {
            bits |= runtimeBit(runtime);
        }
        return bits;
    }

    /**
     * This device's value of an offer-search field, read straight off the record with its
     * owner's stake in whole IO: the reference reading, which the index's compiled filter
     * ({@link SlotFilter}) is tested against and the placement benchmark's floor uses.
     */
    public Object value(OfferQuery.Field field, long ownerStakeIo) {
        return switch (field) {
            case GPU -> model == null ? null : model.name();
            case GPUS -> gpuCount;
            case VRAM -> kind == DeviceKind.GPU ? vramGb : null;
            case FP16 -> HardwareCatalog.gpu(model).map(HardwareCatalog.Gpu::fp16Tflops).orElse(null);
            case KIND -> kind.name();
            case REGION -> region;
            case COUNTRY -> country;
            case SUPPLIER -> supplier.name();
            case SECURITY -> securityTier;
            case CONNECTIVITY -> connectivityTier;
            case RELIABILITY -> reliability;
            case STAKE -> ownerStakeIo;
            case CPU_CORES -> cpuCores;
            case DRIVER -> kind == DeviceKind.GPU ? driverVersion : null;
            case PRICE -> priceFloorMicros / 1e6;
            case DISK -> diskGb;
        };
    }

    /** The leading "major.minor" of a driver version string ("550.54.15" is 550.54), 0 when there is none. */
    public static double driverNumber(String version) {
        if (version == null) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d{1,6})(?:\\.(\\d{1,6}))?").matcher(version.trim());
        return m.find() ? Double.parseDouble(m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2))) : 0;
    }
}

package dev.corral.scheduler;

import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An offer query compiled against the index's columns: each condition reads one primitive
 * column of a slot, so testing a million devices allocates nothing. Word values are compared
 * by their interned numbers, resolved once per query; numbers follow {@link OfferQuery}'s
 * rules, with a missing value (NaN) meeting only != and notin.
 */
final class SlotFilter {
    private interface Test {
        boolean test(DevicePool.Chunk chunk, int i);
    }

    private static final String[] KINDS = {"GPU", "CPU"};
    private static final String[] SUPPLIERS = {SupplierType.DATACENTER.name(), SupplierType.MINER.name(),
            SupplierType.INDIVIDUAL.name()};

    /** Fields whose value is the same for every device of a bucket (kind, model, GPUs per device). */
    private static final Set<OfferQuery.Field> BUCKET_FIELDS = EnumSet.of(OfferQuery.Field.KIND, OfferQuery.Field.GPU,
            OfferQuery.Field.GPUS, OfferQuery.Field.FP16);

    private final Test[] bucketTests;
    private final Test[] deviceTests;

    private SlotFilter(Test[] bucketTests, Test[] deviceTests) {
        this.bucketTests = bucketTests;
        this.deviceTests = deviceTests;
    }

    static SlotFilter compile(OfferQuery query, DevicePool pool) {
        List<Test> bucketTests = new ArrayList<>();
        List<Test> deviceTests = new ArrayList<>();
        for (OfferQuery.Condition condition : query.conditions()) {
            Test test = condition.numeric() ? numeric(condition, pool) : word(condition, pool);
            (BUCKET_FIELDS.contains(condition.field()) ? bucketTests : deviceTests).add(test);
        }
        return new SlotFilter(bucketTests.toArray(Test[]::new), deviceTests.toArray(Test[]::new));
    }

    /** Whether the bucket of this device (any of its members) can meet the query: false skips the whole bucket. */
    boolean bucketMayMatch(DevicePool.Chunk chunk, int i) {
        return all(bucketTests, chunk, i);
    }

    /** Whether a device of a bucket that may match meets the rest of the query. */
    boolean test(DevicePool.Chunk chunk, int i) {
        return all(deviceTests, chunk, i);
    }

    private static boolean all(Test[] tests, DevicePool.Chunk chunk, int i) {
        for (Test test : tests) {
            if (!test.test(chunk, i)) {
                return false;
            }
        }
        return true;
    }

    private interface Column {
        double value(DevicePool.Chunk chunk, int i);
    }

    private static Test numeric(OfferQuery.Condition condition, DevicePool pool) {
        double want = Double.parseDouble(condition.values().getFirst());
        Column column = switch (condition.field()) {
            case GPUS -> (c, i) -> c.gpus[i];
            case VRAM -> (c, i) -> c.kind[i] == DevicePool.KIND_GPU ? c.vramGb[i] : Double.NaN;
            case FP16 -> {
                double[] fp16 = fp16ByModel(pool.models.snapshot());
                yield (c, i) -> c.model[i] < fp16.length ? fp16[c.model[i]] : Double.NaN;
            }
            case SECURITY -> (c, i) -> c.security[i];
            case CONNECTIVITY -> (c, i) -> c.connectivity[i];
            case RELIABILITY -> (c, i) -> c.reliabilityBp[i] / DevicePool.BASIS_POINTS;
            case STAKE -> (c, i) -> pool.ownerStakeIo(c.owner[i]);
            case CPU_CORES -> (c, i) -> c.cpuCores[i];
            case DRIVER -> (c, i) -> c.kind[i] == DevicePool.KIND_GPU ? c.driver[i] : Double.NaN;
            case PRICE -> (c, i) -> c.floorMicros[i] / 1e6;
            case DISK -> (c, i) -> c.diskGb[i];
            default -> throw new IllegalStateException(condition.field() + " is not numeric");
        };
        return switch (condition.op()) {
            case "=" -> (c, i) -> column.value(c, i) == want;
            case "!=" -> (c, i) -> !(column.value(c, i) == want);
            case "<" -> (c, i) -> column.value(c, i) < want;
            case "<=" -> (c, i) -> column.value(c, i) <= want;
            case ">" -> (c, i) -> column.value(c, i) > want;
            case ">=" -> (c, i) -> column.value(c, i) >= want;
            default -> throw new IllegalStateException(condition.op());
        };
    }

    private interface WordColumn {
        int number(DevicePool.Chunk chunk, int i);
    }

    private static Test word(OfferQuery.Condition condition, DevicePool pool) {
        String[] names;
        WordColumn column;
        switch (condition.field()) {
            case GPU -> {
                names = pool.models.snapshot();
                column = (c, i) -> c.model[i];
            }
            case KIND -> {
                names = KINDS;
                column = (c, i) -> c.kind[i];
            }
            case REGION -> {
                names = pool.regions.snapshot();
                column = (c, i) -> c.region[i];
            }
            case COUNTRY -> {
                names = pool.countries.snapshot();
                column = (c, i) -> c.country[i];
            }
            case SUPPLIER -> {
                names = SUPPLIERS;
                column = (c, i) -> c.supplier[i];
            }
            default -> throw new IllegalStateException(condition.field() + " is not a word");
        }
        boolean[] named = new boolean[names.length];
        List<String> wanted = condition.values().stream().map(OfferQuery::normalise).toList();
        for (int n = 0; n < names.length; n++) {
            named[n] = names[n] != null && wanted.contains(OfferQuery.normalise(names[n]));
        }
        boolean positive = condition.op().equals("=") || condition.op().equals("in");
        return (c, i) -> {
            int number = column.number(c, i);
            boolean in = number < named.length && named[number];
            return in == positive;
        };
    }

    private static double[] fp16ByModel(String[] models) {
        double[] fp16 = new double[models.length];
        for (int n = 0; n < models.length; n++) {
            fp16[n] = models[n] == null ? Double.NaN : HardwareCatalog.gpu(new GpuModel(models[n]))
                    .map(HardwareCatalog.Gpu::fp16Tflops).orElse(Double.NaN);
        }
        return fp16;
    }
}

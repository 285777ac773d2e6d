package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The scheduler's index of every device, in memory: primitive columns in fixed chunks of
 * {@link #CHUNK_SLOTS} (a few dozen bytes a device), grouped into buckets by kind, model and
 * GPUs per device so a placement reads only the devices that could take it.
 *
 * <p>Placement and search take no lock. Each device has one atomic state word (hired,
 * offline); a placement claims a device by compare-and-set from "idle and online" to "hired",
 * so concurrent placements never share a device, and gives back what it claimed when it
 * cannot claim them all. Updates from registrations, heartbeats, stakes and lease changes
 * take a writer lock that placement never waits on. The store stays the authority: the
 * coordinator rebuilds this index from it at start and confirms every claim in the same
 * transaction that holds the escrow.
 *
 * <p>The score, highest first: {@link #PRICE_WEIGHT} x (1 - floor / price paid) +
 * {@link #RELIABILITY_WEIGHT} x reliability + {@link #DRAW_WEIGHT} x u^(1/w), where u is
 * uniform in [0,1) and w = 1 + owner's stake / {@link #STAKE_IO_PER_EXTRA_WEIGHT} IO: the
 * last term is an Efraimidis-Spirakis weighted draw, so stake raises a supplier's chance and
 * never guarantees it. A request for N devices scores a random window of at least
 * max({@link #SAMPLE_MIN}, {@link #SAMPLE_PER_DEVICE} x N) matching devices (all of them
 * when fewer match), which keeps small placements fast on a million devices.
 */
public final class DevicePool {
    public static final int CHUNK_SLOTS = 1 << 14;
    static final int SLOT_BITS = 22;
    /** Devices one index holds: a slot number must fit in the low bits of a score key. */
    public static final int DEVICES_MAX = 1 << SLOT_BITS;
    public static final double PRICE_WEIGHT = 0.4;
    public static final double RELIABILITY_WEIGHT = 0.3;
    public static final double DRAW_WEIGHT = 0.3;
    /** Each this many IO staked on a supplier add the weight of an unstaked one to its draw. */
    public static final long STAKE_IO_PER_EXTRA_WEIGHT = 1_000;
    public static final int SAMPLE_MIN = 512;
    public static final int SAMPLE_PER_DEVICE = 8;
    /** Fresh tries when concurrent placements claimed so many of the chosen devices that too few were left. */
    public static final int CLAIM_ROUNDS_MAX = 3;
    static final double BASIS_POINTS = 10_000.0;
    static final byte KIND_GPU = 0;
    static final byte KIND_CPU = 1;
    private static final int HIRED = 1;
    private static final int OFFLINE = 2;
    private static final double SCORE_SCALE = 1L << 40;

    /** Where a placement ended. */
    public sealed interface Outcome permits Placed, TooFew, Scarce, Contended {}

    /** Every device is claimed, in rank order. */
    public record Placed(List<Chosen> devices) implements Outcome {}

    /** Fewer idle devices match than the cluster needs. */
    public record TooFew(int matching) implements Outcome {}

    /** Enough match, but taking them would dip into the reserve kept for staked customers. */
    public record Scarce(int matching, int reserve) implements Outcome {}

    /** Concurrent placements kept taking the chosen devices, {@link #CLAIM_ROUNDS_MAX} rounds in a row. */
    public record Contended() implements Outcome {}

    public record Chosen(DeviceId device, AccountId owner) {}

    /** One group of offers: how many idle devices of this kind, model, size and region, and the lowest floor. */
    public record OfferGroup(DeviceKind kind, GpuModel model, int gpus, String region, int available,
            long lowestFloorMicros) {}

    /** Primitive columns for {@link #CHUNK_SLOTS} devices; never moved once made. */
    static final class Chunk {
        final DeviceId[] id = new DeviceId[CHUNK_SLOTS];
        final int[] owner = new int[CHUNK_SLOTS];
        final byte[] kind = new byte[CHUNK_SLOTS];
        final short[] model = new short[CHUNK_SLOTS];
        final byte[] gpus = new byte[CHUNK_SLOTS];
        final short[] vramGb = new short[CHUNK_SLOTS];
        final short[] cpuCores = new short[CHUNK_SLOTS];
        final short[] region = new short[CHUNK_SLOTS];
        final short[] country = new short[CHUNK_SLOTS];
        final byte[] supplier = new byte[CHUNK_SLOTS];
        final byte[] security = new byte[CHUNK_SLOTS];
        final byte[] connectivity = new byte[CHUNK_SLOTS];
        final short[] reliabilityBp = new short[CHUNK_SLOTS];
        final long[] floorMicros = new long[CHUNK_SLOTS];
        final double[] driver = new double[CHUNK_SLOTS];
        final byte[] runtimes = new byte[CHUNK_SLOTS];
        final int[] diskGb = new int[CHUNK_SLOTS];
        final int[] bucket = new int[CHUNK_SLOTS];
        final AtomicIntegerArray state = new AtomicIntegerArray(CHUNK_SLOTS);
    }

    /** The slots of one bucket as of one moment; replaced whole on every change, read without locks. */
    private record Members(int[] slots, int size) {
        static final Members EMPTY = new Members(new int[0], 0);
    }

    final Names models = new Names();
    final Names regions = new Names();
    final Names countries = new Names();
    private final ReentrantLock writing = new ReentrantLock();
    private final Map<DeviceId, Integer> slotOf = new ConcurrentHashMap<>();
    private final Map<AccountId, Integer> ownerNumber = new ConcurrentHashMap<>();
    private final Map<Integer, Members> buckets = new ConcurrentHashMap<>();
    private volatile Chunk[] chunks = new Chunk[0];
    private volatile int size;
    private volatile AccountId[] owners = new AccountId[16];
    private volatile long[] ownerStakesIo = new long[16];
    private int ownerCount;

    // ---- updates (writer lock) ----------------------------------------------------------------------

    /** Adds a device or replaces what the index knows of it; whether it is hired stays as it was. */
    public void put(PoolDevice device) {
        requireNonNull(device, "device is null");
        writing.lock();
        try {
            Integer known = slotOf.get(device.id());
            int slot;
            if (known == null) {
                slot = size;
                if (slot >= DEVICES_MAX) {
                    throw new IllegalStateException("the index holds at most " + DEVICES_MAX + " devices");
                }
                if (slot / CHUNK_SLOTS >= chunks.length) {
                    Chunk[] grown = Arrays.copyOf(chunks, chunks.length + 1);
                    grown[chunks.length] = new Chunk();
                    chunks = grown;
                }
            } else {
                slot = known;
            }
            Chunk c = chunks[slot / CHUNK_SLOTS];
            int i = slot % CHUNK_SLOTS;
            short model = models.intern(device.model() == null ? null : device.model().name());
            int bucket = bucketKey(device.kind(), model, device.gpuCount());
            c.id[i] = device.id();
            c.owner[i] = owner(device.owner());
            c.kind[i] = device.kind() == DeviceKind.GPU ? KIND_GPU : KIND_CPU;
            c.model[i] = model;
            c.gpus[i] = (byte) device.gpuCount();
            c.vramGb[i] = (short) Math.min(device.vramGb(), Short.MAX_VALUE);
            c.cpuCores[i] = (short) Math.min(device.cpuCores(), Short.MAX_VALUE);
            c.region[i] = regions.intern(device.region());
            c.country[i] = countries.intern(device.country());
            c.supplier[i] = (byte) device.supplier().ordinal();
            c.security[i] = (byte) device.securityTier();
            c.connectivity[i] = (byte) device.connectivityTier();
            c.reliabilityBp[i] = (short) Math.round(device.reliability() * BASIS_POINTS);
            c.floorMicros[i] = device.priceFloorMicros();
            c.driver[i] = device.driverVersion();
            c.runtimes[i] = (byte) device.runtimes();
            c.diskGb[i] = (int) Math.min(device.diskGb(), Integer.MAX_VALUE);
            c.state.getAndUpdate(i, s -> device.takesWork() ? s & ~OFFLINE : s | OFFLINE);
            if (known == null) {
                c.bucket[i] = bucket;
                join(bucket, slot);
                slotOf.put(device.id(), slot);
                size = slot + 1;
            } else if (c.bucket[i] != bucket) {
                leave(c.bucket[i], slot);
                c.bucket[i] = bucket;
                join(bucket, slot);
            }
        } finally {
            writing.unlock();
        }
    }

    /** A device went offline or came back (or lost or gained every runtime we deploy). */
    public void setTakesWork(DeviceId device, boolean takesWork) {
        slot(device).ifPresent(slot -> chunk(slot).state.getAndUpdate(slot % CHUNK_SLOTS,
                s -> takesWork ? s & ~OFFLINE : s | OFFLINE));
    }

    /** A device's reputation changed (evidence recorded outside a heartbeat, which re-sends it anyway). */
    public void setReliability(DeviceId device, double reliability) {
        if (!(reliability >= 0 && reliability <= 1)) {
            throw new IllegalArgumentException("reliability is 0..1, not " + reliability);
        }
        slot(device).ifPresent(slot -> chunk(slot).reliabilityBp[slot % CHUNK_SLOTS] =
                (short) Math.round(reliability * BASIS_POINTS));
    }

    /** The IO now staked on an account, which weighs in the draws of its devices. */
    public void setOwnerStake(AccountId owner, long stakeIo) {
        writing.lock();
        try {
            int number = owner(owner); // first: it may grow the table
            ownerStakesIo[number] = stakeIo;
        } finally {
            writing.unlock();
        }
    }

    /** Marks a device hired outside a placement (rebuilding the index from the store). */
    public void markHired(DeviceId device) {
        slot(device).ifPresent(slot -> chunk(slot).state.getAndUpdate(slot % CHUNK_SLOTS, s -> s | HIRED));
    }

    /** Frees devices whose cluster ended or whose placement was not confirmed. */
    public void release(Collection<DeviceId> devices) {
        for (DeviceId device : devices) {
            slot(device).ifPresent(slot -> chunk(slot).state.getAndUpdate(slot % CHUNK_SLOTS, s -> s & ~HIRED));
        }
    }

    public int size() {
        return size;
    }

    /** Whether the device is known, online, and hired by nobody. */
    public boolean isIdle(DeviceId device) {
        return slot(device).map(slot -> chunk(slot).state.get(slot % CHUNK_SLOTS) == 0).orElse(false);
    }

    // ---- placement and search (no lock) -------------------------------------------------------------

    /**
     * Claims the devices of a cluster, all or none. Stake-weighted and random, so two calls
     * with the same pool may choose differently.
     */
    public Outcome place(PlacementRequest request, RandomGenerator random) {
        int wanted = request.cluster().count();
        for (int round = 1; round <= CLAIM_ROUNDS_MAX; round++) {
            Window window = window(request, SlotFilter.compile(request.conditions(), this), random,
                    Math.max(SAMPLE_MIN, (long) SAMPLE_PER_DEVICE * wanted));
            if (window.count < wanted) {
                return new TooFew(window.count);
            }
            if (window.whole && !ScarcityPolicy.allows(window.count, wanted, request.customerStakeIo())) {
                return new Scarce(window.count, ScarcityPolicy.reserve(window.count));
            }
            int[] order = order(window, request, random);
            int[] claimed = new int[wanted];
            int got = 0;
            for (int k = 0; k < order.length && got < wanted; k++) {
                if (chunk(order[k]).state.compareAndSet(order[k] % CHUNK_SLOTS, 0, HIRED)) {
                    claimed[got++] = order[k];
                }
            }
            if (got == wanted) {
                List<Chosen> chosen = new ArrayList<>(wanted);
                AccountId[] ownerTable = owners;
                for (int slot : claimed) {
                    Chunk c = chunk(slot);
                    chosen.add(new Chosen(c.id[slot % CHUNK_SLOTS], ownerTable[c.owner[slot % CHUNK_SLOTS]]));
                }
                return new Placed(List.copyOf(chosen));
            }
            for (int k = 0; k < got; k++) {
                chunk(claimed[k]).state.getAndUpdate(claimed[k] % CHUNK_SLOTS, s -> s & ~HIRED);
            }
        }
        return new Contended();
    }

    /** How many idle devices could take a rank of this request now (a full count, for quotes). */
    public int matching(PlacementRequest request) {
        return window(request, SlotFilter.compile(request.conditions(), this), RandomGenerator.getDefault(),
                Long.MAX_VALUE).count;
    }

    /** The share of online devices of this kind and model (any GPU count) that are hired now; 0 when none is online. */
    public double utilisation(DeviceKind kind, GpuModel model) {
        int number = model == null ? Names.NONE : models.find(model.name());
        if (number < 0) {
            return 0;
        }
        long online = 0;
        long hired = 0;
        for (Map.Entry<Integer, Members> entry : buckets.entrySet()) {
            int key = entry.getKey();
            if (key >>> 23 != (kind == DeviceKind.GPU ? KIND_GPU : KIND_CPU) || ((key >>> 8) & 0x7fff) != number) {
                continue;
            }
            Members members = entry.getValue();
            for (int k = 0; k < members.size(); k++) {
                int slot = members.slots()[k];
                int state = chunk(slot).state.get(slot % CHUNK_SLOTS);
                if ((state & OFFLINE) == 0) {
                    online++;
                    hired += state & HIRED;
                }
            }
        }
        return online == 0 ? 0 : (double) hired / online;
    }

    /** The idle devices that meet the query, grouped by kind, model, GPUs per device and region. */
    public List<OfferGroup> search(OfferQuery query) {
        SlotFilter filter = SlotFilter.compile(query, this);
        String[] modelNames = models.snapshot();
        List<OfferGroup> groups = new ArrayList<>();
        for (Map.Entry<Integer, Members> entry : buckets.entrySet()) {
            Members members = entry.getValue();
            if (members.size() == 0 || !filter.bucketMayMatch(chunk(members.slots()[0]), members.slots()[0] % CHUNK_SLOTS)) {
                continue;
            }
            int regionCount = regions.snapshot().length;
            int[] available = new int[regionCount];
            long[] lowest = new long[regionCount];
            Arrays.fill(lowest, Long.MAX_VALUE);
            for (int k = 0; k < members.size(); k++) {
                int slot = members.slots()[k];
                Chunk c = chunk(slot);
                int i = slot % CHUNK_SLOTS;
                if (c.state.get(i) != 0 || !filter.test(c, i) || c.region[i] >= regionCount) {
                    continue;
                }
                available[c.region[i]]++;
                lowest[c.region[i]] = Math.min(lowest[c.region[i]], c.floorMicros[i]);
            }
            int key = entry.getKey();
            String[] regionNames = regions.snapshot();
            for (int r = 0; r < regionCount; r++) {
                if (available[r] > 0) {
                    String model = modelNames[(key >>> 8) & 0x7fff];
                    groups.add(new OfferGroup((key >>> 23) == KIND_GPU ? DeviceKind.GPU : DeviceKind.CPU,
                            model == null ? null : new GpuModel(model), key & 0xff, regionNames[r], available[r],
                            lowest[r]));
                }
            }
        }
        return groups;
    }

    // ---- internals ----------------------------------------------------------------------------------

    /** Matching idle devices from a random start: their slots and score keys, and how many matched. */
    private static final class Window {
        int[] slots = new int[64];
        long[] keys = new long[64];
        int count;
        boolean whole;

        void add(int slot, long key) {
            if (count == slots.length) {
                slots = Arrays.copyOf(slots, count * 2);
                keys = Arrays.copyOf(keys, count * 2);
            }
            slots[count] = slot;
            keys[count++] = key;
        }
    }

    private Window window(PlacementRequest request, SlotFilter filter, RandomGenerator random, long sampleMax) {
        ClusterRequest cluster = request.cluster();
        Window window = new Window();
        int model = cluster.gpuModel() == null ? Names.NONE : models.find(cluster.gpuModel().name());
        Members members = model < 0 ? Members.EMPTY
                : buckets.getOrDefault(bucketKey(cluster.kind(), (short) model, cluster.gpusPerDevice()), Members.EMPTY);
        if (members.size() > 0 && !filter.bucketMayMatch(chunk(members.slots()[0]), members.slots()[0] % CHUNK_SLOTS)) {
            members = Members.EMPTY;
        }
        int n = members.size();
        int start = n == 0 ? 0 : random.nextInt(n);
        long price = request.pricePerDeviceHourMicros();
        int runtime = request.runtime();
        long[] stakes = ownerStakesIo;
        for (int k = 0; k < n && window.count < sampleMax; k++) {
            int slot = members.slots()[(start + k) % n];
            Chunk c = chunk(slot);
            int i = slot % CHUNK_SLOTS;
            if (c.state.get(i) != 0 || c.floorMicros[i] > price || (c.runtimes[i] & runtime) == 0
                    || !filter.test(c, i)) {
                continue;
            }
            long stake = c.owner[i] < stakes.length ? stakes[c.owner[i]] : 0;
            double draw = Math.pow(random.nextDouble(), 1.0 / (1.0 + (double) stake / STAKE_IO_PER_EXTRA_WEIGHT));
            double score = PRICE_WEIGHT * (1.0 - (double) c.floorMicros[i] / price)
                    + RELIABILITY_WEIGHT * (c.reliabilityBp[i] / BASIS_POINTS) + DRAW_WEIGHT * draw;
            window.add(slot, ((long) (score * SCORE_SCALE) << SLOT_BITS) | slot);
        }
        window.whole = window.count < sampleMax;
        return window;
    }

    /** The window's slots in the order placement tries to claim them. */
    private int[] order(Window window, PlacementRequest request, RandomGenerator random) {
        long[] keys = Arrays.copyOf(window.keys, window.count);
        Arrays.sort(keys);
        int[] best = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
            best[k] = (int) (keys[keys.length - 1 - k] & (DEVICES_MAX - 1));
        }
        return switch (request.layout()) {
            case ANY -> best;
            case SPREAD -> spread(best);
            case PACK -> pack(best, request.cluster().count());
        };
    }

    /** Each supplier's best device first, then each one's second best, and so on. */
    private int[] spread(int[] best) {
        Map<Integer, Integer> taken = new HashMap<>();
        long[] keys = new long[best.length];
        for (int k = 0; k < best.length; k++) {
            int turn = taken.merge(chunk(best[k]).owner[best[k] % CHUNK_SLOTS], 1, Integer::sum);
            keys[k] = ((long) turn << 32) | k;
        }
        Arrays.sort(keys);
        int[] order = new int[best.length];
        for (int k = 0; k < keys.length; k++) {
            order[k] = best[(int) keys[k]];
        }
        return order;
    }

    /**
     * The region whose N-th best device is best (the first to gather N in score order), its
     * suppliers with the most devices there first, each supplier's devices best first; then
     * every other device in score order, for claims lost to concurrent placements.
     */
    private int[] pack(int[] best, int wanted) {
        Map<Integer, Integer> perRegion = new HashMap<>();
        int region = -1;
        for (int slot : best) {
            int r = chunk(slot).region[slot % CHUNK_SLOTS];
            if (perRegion.merge(r, 1, Integer::sum) == wanted) {
                region = r;
                break;
            }
        }
        if (region < 0) {
            return best;
        }
        Map<Integer, List<Integer>> byOwner = new HashMap<>();
        List<Integer> elsewhere = new ArrayList<>();
        for (int slot : best) {
            Chunk c = chunk(slot);
            if (c.region[slot % CHUNK_SLOTS] == region) {
                byOwner.computeIfAbsent(c.owner[slot % CHUNK_SLOTS], o -> new ArrayList<>()).add(slot);
            } else {
                elsewhere.add(slot);
            }
        }
        List<List<Integer>> suppliers = new ArrayList<>(byOwner.values());
        suppliers.sort((a, b) -> Integer.compare(b.size(), a.size()));
        int[] order = new int[best.length];
        int k = 0;
        for (List<Integer> supplier : suppliers) {
            for (int slot : supplier) {
                order[k++] = slot;
            }
        }
        for (int slot : elsewhere) {
            order[k++] = slot;
        }
        return order;
    }

    long ownerStakeIo(int owner) {
        long[] stakes = ownerStakesIo;
        return owner < stakes.length ? stakes[owner] : 0;
    }

    private int owner(AccountId owner) {
        Integer known = ownerNumber.get(owner);
        if (known != null) {
            return known;
        }
        writing.lock();
        try {
            known = ownerNumber.get(owner);
            if (known != null) {
                return known;
            }
            int number = ownerCount++;
            if (number == owners.length) {
                owners = Arrays.copyOf(owners, number * 2);
                ownerStakesIo = Arrays.copyOf(ownerStakesIo, number * 2);
            }
            owners[number] = owner;
            ownerNumber.put(owner, number);
            return number;
        } finally {
            writing.unlock();
        }
    }

    private void join(int bucket, int slot) {
        Members members = buckets.getOrDefault(bucket, Members.EMPTY);
        int[] slots = members.size() < members.slots().length ? members.slots()
                : Arrays.copyOf(members.slots(), Math.max(16, members.size() * 2));
        slots[members.size()] = slot;
        buckets.put(bucket, new Members(slots, members.size() + 1));
    }

    private void leave(int bucket, int slot) {
        Members members = buckets.get(bucket);
        int[] slots = new int[members.slots().length];
        int kept = 0;
        for (int k = 0; k < members.size(); k++) {
            if (members.slots()[k] != slot) {
                slots[kept++] = members.slots()[k];
            }
        }
        buckets.put(bucket, new Members(slots, kept));
    }

    private static int bucketKey(DeviceKind kind, short model, int gpus) {
        return ((kind == DeviceKind.GPU ? KIND_GPU : KIND_CPU) << 23) | (model << 8) | gpus;
    }

    private Optional<Integer> slot(DeviceId device) {
        return Optional.ofNullable(slotOf.get(device));
    }

    private Chunk chunk(int slot) {
        return chunks[slot / CHUNK_SLOTS];
    }
}

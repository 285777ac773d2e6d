package dev.corral.server.devices;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceStatus;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Ids;
import dev.corral.core.Money;
import dev.corral.core.Runtimes;
import dev.corral.core.api.Amount;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.core.DeviceKind;
import dev.corral.core.api.JoinTokenView;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.protocol.Heartbeat;
import dev.corral.core.protocol.RegisterRequest;
import dev.corral.core.protocol.RegisterResponse;
import dev.corral.proofs.ClaimCheck;
import dev.corral.proofs.Reputation;
import dev.corral.scheduler.PoolDevice;
import dev.corral.scheduler.SupplierType;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.Secrets;
import dev.corral.server.metrics.Meters;
import dev.corral.store.Challenges;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.Devices;
import dev.corral.store.JoinTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Devices: join tokens, registration, signed heartbeats, and the owner's view and edits.
 * Fields a device asserts come only from its signed requests; owner fields only from its owner.
 */
public final class DeviceService {
    static final Duration JOIN_TOKEN_TTL = Duration.ofHours(24);
    static final Set<String> RUNTIMES_KNOWN = Set.of(Runtimes.CONTAINER, Runtimes.PROCESS, Runtimes.CUDA);
    static final int RUNTIMES_MAX = 8;
    static final String REGION_DEFAULT = "local";
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]]{1,255}");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} _.@:()\\-]{1,64}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Money MIN_PRICE_MAX = Money.usd(1_000L * 1_000_000L);

    private final Database db;
    private final Devices deviceRows;
    private final JoinTokens joinTokens;
    private final Challenges challenges;
    private final DeviceState devices;
    private final Counter heartbeats;
    private final Clock clock;
    private final String coordinatorFingerprint;

    public DeviceService(Database db, Devices deviceRows, JoinTokens joinTokens, Challenges challenges,
            DeviceState devices, Clock clock, MeterRegistry metrics, String coordinatorFingerprint) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.joinTokens = requireNonNull(joinTokens, "joinTokens is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.heartbeats = Meters.heartbeats(metrics);
        this.clock = requireNonNull(clock, "clock is null");
        this.coordinatorFingerprint = requireNonNull(coordinatorFingerprint, "coordinatorFingerprint is null");
    }

    /**
     * A one-time token for the owner's next device: a secret, of which only the hash is kept,
     * and the fingerprint of this coordinator's key, which the agent holds the coordinator to.
     */
    public JoinTokenView joinToken(AccountId owner) {
        String secret = Secrets.newSecret("cjt");
        Instant expires = clock.instant().plus(JOIN_TOKEN_TTL);
        db.transaction(c -> {
            joinTokens.create(c, Secrets.hash(secret), owner, expires);
            return null;
        });
        return new JoinTokenView(CoordinatorKey.joinToken(secret, coordinatorFingerprint), expires);
    }

    /** Registers a device whose request was signed by the key it presents; a retry with the same key and token is the same device. */
    public RegisterResponse register(RegisterRequest request) {
        if (request.joinToken() == null || request.hardware() == null) {
            throw Refusal.invalid("joinToken and hardware are required");
        }
        String region = region(request.region());
        String host = host(request.host());
        List<String> runtimes = runtimes(request.runtimes());
        Instant now = clock.instant();
        DeviceId fresh = DeviceId.random();
        return devices.transaction((c, writes) -> {
            var admission = joinTokens.consume(c, Secrets.hash(CoordinatorKey.tokenSecret(request.joinToken())), fresh, request.publicKey(), now)
                    .orElseThrow(() -> Refusal.unauthenticated(
                            "join token is unknown, used or expired: ask the owner for a new one (corral device join-token)"));
            if (admission.existingDevice().isPresent()) {
                DeviceId existing = admission.existingDevice().get();
                writes.reregister(existing, request.hardware(), host, runtimes, now);
                return new RegisterResponse(existing.value(), admission.owner().value());
            }
            String name = defaultName(request.hardware(), host);
            writes.insert(new DeviceRow(fresh, admission.owner(), request.publicKey(), name,
                    request.hardware(), region, host, runtimes, 0, 0, null, true, now, null, now, DeviceRow.Listing.NEW,
                    Reputation.Standing.NEW, DeviceRow.Verification.NEW));
            return new RegisterResponse(fresh.value(), admission.owner().value());
        });
    }

    public void heartbeat(DeviceId device, Heartbeat heartbeat) {
        if (heartbeat.hardware() == null || heartbeat.telemetry() == null) {
            throw Refusal.invalid("hardware and telemetry are required");
        }
        String host = host(heartbeat.host());
        List<String> runtimes = runtimes(heartbeat.runtimes());
        List<String> flags = ClaimCheck.contradictions(heartbeat.hardware(), heartbeat.telemetry());
        Instant now = clock.instant();
        devices.transaction((c, writes) -> {
            DeviceRow before = writes.heartbeat(device, heartbeat.hardware(), host, runtimes, heartbeat.telemetry(), flags,
                    now);
            if (!before.online()) {
                writes.wake(device);
            }
            return null;
        });
        heartbeats.increment();
    }

    public List<DeviceView> list(AccountId owner) {
        return db.transaction(c -> {
            List<DeviceView> views = new ArrayList<>();
            for (DeviceRow row : deviceRows.byOwner(c, owner)) {
                views.add(view(c, row));
            }
            return views;
        });
    }

    /** The owner's devices' time online over the last {@code span}, by device (absent: not online in it). */
    public Map<DeviceId, Long> uptimeOfOwner(AccountId owner, Duration span) {
        Instant now = clock.instant();
        return db.transaction(c -> deviceRows.uptimeOfOwnerBetween(c, owner, now.minus(span), now));
    }

    public DeviceView get(AccountId owner, String deviceId) {
        DeviceId id = parseId(deviceId);
        return db.transaction(c -> {
            Optional<DeviceRow> row = deviceRows.owned(c, owner, id);
            return row.isPresent() ? Optional.of(view(c, row.get())) : Optional.<DeviceView>empty();
        }).orElseThrow(() -> Refusal.notFound("device", deviceId));
    }

    public DeviceView update(AccountId owner, String deviceId, DeviceUpdate update) {
        DeviceId id = parseId(deviceId);
        if (update.name() != null && !NAME.matcher(update.name()).matches()) {
            throw Refusal.invalid("name must be 1-64 letters, digits, spaces or _.@:()-");
        }
        Long minPrice = null;
        if (update.minPricePerHour() != null) {
            Money price = Money.parse("minPricePerHour", update.minPricePerHour(), Currency.USD);
            if (price.compareTo(MIN_PRICE_MAX) > 0) {
                throw Refusal.invalid("minPricePerHour must be at most " + MIN_PRICE_MAX);
            }
            minPrice = price.minor();
        }
        if (update.rewardSplitIoPercent() != null
                && (update.rewardSplitIoPercent() < 0 || update.rewardSplitIoPercent() > 100)) {
            throw Refusal.invalid("rewardSplitIoPercent must be 0..100");
        }
        if (update.country() != null && !COUNTRY.matcher(update.country()).matches()) {
            throw Refusal.invalid("country must be an ISO 3166 two-letter code such as DE or US");
        }
        String supplierType;
        try {
            supplierType = update.supplierType() == null ? null : SupplierType.parse(update.supplierType()).name();
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        Long newMinPrice = minPrice;
        return devices.transaction((c, writes) -> {
            DeviceRow row = deviceRows.owned(c, owner, id).orElseThrow(() -> Refusal.notFound("device", deviceId));
            writes.updateOwnerFields(id, update.name() != null ? update.name() : row.name(),
                    newMinPrice != null ? newMinPrice : row.minPricePerHourMicros(),
                    update.rewardSplitIoPercent() != null ? update.rewardSplitIoPercent() : row.rewardSplitIoPercent(),
                    update.country() != null ? update.country() : row.listing().country(),
                    supplierType != null ? supplierType : row.listing().supplierType());
            return view(c, deviceRows.byId(c, id).orElseThrow());
        });
    }

    /** The operator's security and connectivity tiers for a device, after checking it. */
    public Map<String, Object> setTiers(String deviceId, Integer securityTier, Integer connectivityTier) {
        DeviceId id = parseId(deviceId);
        if (securityTier == null || connectivityTier == null || securityTier < PoolDevice.TIER_MIN
                || securityTier > PoolDevice.TIER_MAX || connectivityTier < PoolDevice.TIER_MIN
                || connectivityTier > PoolDevice.TIER_MAX) {
            throw Refusal.invalid("securityTier and connectivityTier are both required, each "
                    + PoolDevice.TIER_MIN + ".." + PoolDevice.TIER_MAX);
        }
        if (!devices.transaction((c, writes) -> writes.setTiers(id, securityTier, connectivityTier))) {
            throw Refusal.notFound("device", deviceId);
        }
        return Map.of("deviceId", deviceId, "securityTier", securityTier, "connectivityTier", connectivityTier);
    }

    static DeviceStatus status(DeviceRow row) {
        if (row.verification().blocked()) {
            return DeviceStatus.BLOCKED;
        }
        if (!row.online()) {
            return DeviceStatus.OFFLINE;
        }
        if (row.cluster() != null) {
            return DeviceStatus.HIRED;
        }
        return row.verification().verified() ? DeviceStatus.IDLE : DeviceStatus.UNVERIFIED;
    }

    /** Why a device has its status, for the statuses that need saying, and since when. */
    private record Reason(String text, Instant since) {}

    private static Reason reason(DeviceRow row) {
        return switch (status(row)) {
            case BLOCKED -> new Reason(row.verification().blockedReason() + (row.verification().reverifyRequested()
                    ? "; re-verification requested" : ""), row.verification().blockedAt());
            case OFFLINE -> new Reason("not heard from since its last heartbeat", row.lastSeenAt());
            case UNVERIFIED -> new Reason("no availability challenge passed yet for the hardware it claims",
                    row.createdAt());
            case IDLE, HIRED -> row.hardware().kind() == DeviceKind.GPU && !row.runtimes().contains(Runtimes.CUDA)
                    ? new Reason("offered as a CPU device: it computes its challenges on the CPU (no CUDA engine), "
                            + "which proves its CPU cores, not its GPUs", null)
                    : new Reason(null, null);
        };
    }

    /** The owner asks for its blocked device to be challenged again; a pass unblocks it. */
    public DeviceView reverify(AccountId owner, String deviceId) {
        DeviceId id = parseId(deviceId);
        return devices.transaction((c, writes) -> {
            DeviceRow row = deviceRows.owned(c, owner, id).orElseThrow(() -> Refusal.notFound("device", deviceId));
            if (!row.verification().blocked()) {
                throw Refusal.conflict("device " + deviceId + " is not blocked (" + status(row) + ")");
            }
            writes.requestReverify(id, clock.instant());
            writes.wake(id);
            return view(c, deviceRows.byId(c, id).orElseThrow());
        });
    }

    static DeviceId parseId(String deviceId) {
        if (!Ids.looksLike(deviceId, DeviceId.PREFIX)) {
            throw Refusal.notFound("device", String.valueOf(deviceId));
        }
        return new DeviceId(deviceId);
    }

    /**
     * The outcome of the latest challenges sent together (one for each GPU of a device on the
     * GPU engine): the first that did not pass, if any, since the device is proven only by all.
     */
    static String lastChallenge(List<Challenges.Challenge> newestFirst) {
        Instant issued = newestFirst.getFirst().issuedAt();
        List<Challenges.Challenge> together = newestFirst.stream().filter(k -> k.issuedAt().equals(issued)).toList();
        Challenges.Challenge shown = together.stream().filter(k -> !k.outcome().equals("PASSED")).findFirst()
                .orElse(together.getFirst());
        return shown.outcome() + (together.size() > 1 ? " (GPU " + shown.gpu() + " of " + together.size() + ", issued "
                : " (issued ") + shown.issuedAt() + ")";
    }

    private DeviceView view(Connection c, DeviceRow row) throws SQLException {
        List<Challenges.Challenge> recent = challenges.ofDevice(c, row.id(), HardwareSpec.GPU_COUNT_MAX);
        String lastChallenge = recent.isEmpty() ? null : lastChallenge(recent);
        Reason reason = reason(row);
        return new DeviceView(row.id().value(), row.name(), status(row).name(), row.hardware(), row.region(), row.host(),
                row.runtimes(), row.lastSeenAt(), row.cluster() == null ? null : row.cluster().value(),
                Amount.of(Money.usd(row.minPricePerHourMicros())), row.rewardSplitIoPercent(), row.telemetry(),
                lastChallenge, Reputation.score(row.standing(), clock.instant()), row.listing().country(),
                row.listing().supplierType().toLowerCase(Locale.ROOT), row.listing().securityTier(),
                row.listing().connectivityTier(), row.listing().bandwidth() == null ? null
                        : new DeviceView.BandwidthView(row.listing().bandwidth().downMbps(),
                                row.listing().bandwidth().upMbps(), row.listing().bandwidth().measuredAt()),
                reason.text(), reason.since(),
                row.verification().claimFlags());
    }

    private static String defaultName(HardwareSpec hardware, String host) {
        String name = hardware.describe().replaceAll("[^\\p{L}\\p{N} _.@:()\\-]", "") + " @" + host;
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private static String region(String region) {
        if (region == null) {
            return REGION_DEFAULT;
        }
        if (!REGION.matcher(region).matches()) {
            throw Refusal.invalid("region must be 1-32 lower-case letters, digits or '-'");
        }
        return region;
    }

    private static String host(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw Refusal.invalid("host must be a host name or IP address");
        }
        return host;
    }

    private static List<String> runtimes(List<String> runtimes) {
        if (runtimes == null) {
            return List.of();
        }
        if (runtimes.size() > RUNTIMES_MAX || !RUNTIMES_KNOWN.containsAll(runtimes)) {
            throw Refusal.invalid("runtimes must be among " + RUNTIMES_KNOWN);
        }
        return List.copyOf(Set.copyOf(runtimes));
    }
}

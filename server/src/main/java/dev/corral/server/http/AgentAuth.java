package dev.corral.server.http;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceId;
import dev.corral.core.Ids;
import dev.corral.core.Sha256;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.Signatures;
import dev.corral.server.Refusal;
import dev.corral.server.metrics.Meters;
import dev.corral.store.Database;
import dev.corral.store.Devices;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks every agent request before anything else reads it: a fresh timestamp, a
 * signature by the device's own registered key over exactly this request, and a nonce never
 * seen before ({@link ReplayGuard}). Device keys never change, so they are cached after the
 * first lookup.
 */
public final class AgentAuth {
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{32}");

    private final Database db;
    private final Devices deviceRows;
    private final Clock clock;
    private final Duration skewMax;
    private final MeterRegistry metrics;
    private final ReplayGuard replays;
    /** Each device's key as a decoded point: its signatures are checked without decoding it again. */
    private final Map<DeviceId, Signatures.Verifier> keys = new ConcurrentHashMap<>();

    public AgentAuth(Database db, Devices deviceRows, Clock clock, Duration skewMax, MeterRegistry metrics,
            ReplayGuard replays) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.skewMax = requireNonNull(skewMax, "skewMax is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.replays = requireNonNull(replays, "replays is null");
    }

    /**
     * The device that signed this request; 401 for anything forged, replayed or stale, 503 for a
     * request signed before this coordinator started or while it holds as many nonces as it may.
     */
    DeviceId device(Context ctx) {
        return device(ctx, null);
    }

    /**
     * As {@link #device(Context)} for a request whose body the caller read itself: the signature
     * is checked as over a body with this hex SHA-256.
     */
    DeviceId device(Context ctx, String bodySha256) {
        String deviceText = ctx.header(AgentSignature.HEADER_DEVICE);
        if (!Ids.looksLike(deviceText, DeviceId.PREFIX)) {
            throw refuse("unsigned", "missing or malformed " + AgentSignature.HEADER_DEVICE + " header");
        }
        DeviceId device = new DeviceId(deviceText);
        long timestamp = fresh(ctx);
        Signatures.Verifier key = key(device).orElseThrow(() -> refuse("unknown_device", "unknown device " + deviceText
                + ": register it again with a new join token"));
        checkSignature(ctx, key, device.value(), timestamp, bodySha256);
        switch (replays.admit(device, ctx.header(AgentSignature.HEADER_NONCE), timestamp)) {
            case NOVEL -> {
                return device;
            }
            case REPLAYED -> throw refuse("replayed", "this request was seen before (nonce reused)");
            // 503, not 401: the agent retries a 5xx, signing the request anew.
            case SIGNED_BEFORE_START -> throw turnAway("signed_before_start", "the coordinator restarted after this "
                    + "request was signed: sign it again (if this lasts, the device's clock is behind)");
            case FULL -> throw turnAway("busy", "the coordinator holds as many recent requests as it can: try again "
                    + "in a few seconds");
            default -> throw new IllegalStateException("unknown verdict");
        }
    }

    /** A registration is signed by the key it presents; the one-time join token guards against replays. */
    void registration(Context ctx, PublicKey presented) {
        long timestamp = fresh(ctx);
        Signatures.Verifier key = Signatures.verifier(presented)
                .orElseThrow(() -> refuse("bad_signature", "the presented key is not an Ed25519 point"));
        checkSignature(ctx, key, null, timestamp, null);
    }

    private long fresh(Context ctx) {
        long timestamp;
        try {
            timestamp = Long.parseLong(String.valueOf(ctx.header(AgentSignature.HEADER_TIMESTAMP)));
        } catch (NumberFormatException e) {
            throw refuse("unsigned", "missing or malformed " + AgentSignature.HEADER_TIMESTAMP + " header");
        }
        Duration skew = Duration.between(Instant.ofEpochMilli(timestamp), clock.instant()).abs();
        if (skew.compareTo(skewMax) > 0) {
            throw refuse("stale", "request timestamp is " + skew.toSeconds() + " s from the coordinator's clock; at most "
                    + skewMax.toSeconds() + " s is accepted: check the device's clock");
        }
        String nonce = ctx.header(AgentSignature.HEADER_NONCE);
        if (nonce == null || !NONCE.matcher(nonce).matches()) {
            throw refuse("unsigned", "missing or malformed " + AgentSignature.HEADER_NONCE + " header");
        }
        return timestamp;
    }

    private void checkSignature(Context ctx, Signatures.Verifier key, String deviceId, long timestamp, String bodySha256) {
        String query = ctx.queryString();
        String target = ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
        byte[] canonical = AgentSignature.canonical(ctx.method().name(), target, deviceId, timestamp,
                ctx.header(AgentSignature.HEADER_NONCE), bodySha256 != null ? bodySha256 : Sha256.hex(ctx.bodyAsBytes()));
        String signature = ctx.header(AgentSignature.HEADER_SIGNATURE);
        if (signature == null || !AgentSignature.verify(key, canonical, signature)) {
            throw refuse("bad_signature", "signature does not match this request and the device's key");
        }
    }

    private Optional<Signatures.Verifier> key(DeviceId device) {
        Signatures.Verifier cached = keys.get(device);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Signatures.Verifier> stored = db.transaction(c -> deviceRows.byId(c, device))
                .flatMap(row -> Signatures.verifier(AgentSignature.decodePublicKey(row.publicKey())));
        stored.ifPresent(key -> keys.put(device, key));
        return stored;
    }

    private Refusal refuse(String reason, String message) {
        Meters.agentRequestsRefused(metrics, reason).increment();
        return Refusal.unauthenticated(reason, message);
    }

    private Refusal turnAway(String reason, String message) {
        Meters.agentRequestsRefused(metrics, reason).increment();
        return Refusal.unavailable(reason, message);
    }
}

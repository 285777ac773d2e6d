package dev.corral.server.http;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceId;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a signed agent request seen before. It keeps each request's nonce in memory for as
 * long as the request's timestamp is accepted (the clock skew allowed after it); after that
 * the timestamp alone refuses it. Memory, not the store: a write per agent request would put
 * the store on the path of every heartbeat (10% of the coordinator's time per heartbeat when
 * it was kept there).
 *
 * <p>What a restart forgets, the start time covers: a request signed before this coordinator
 * started is refused as a possible replay, with a status that tells the agent to sign it
 * again. An agent whose clock lags the coordinator's is refused that way for as long as it
 * lags, at most the allowed skew.
 */
public final class ReplayGuard {
    /**
     * Nonces held at most: at the default 60 s skew, 16,000 agent requests a second. Beyond it
     * new requests are turned away (busy) rather than old nonces forgotten, which would let
     * their requests be replayed.
     */
    public static final int NONCES_MAX = 2_000_000;

    enum Verdict {
        NOVEL,
        REPLAYED,
        SIGNED_BEFORE_START,
        FULL
    }

    private final long startedAtMillis;
    private final long skewMaxMillis;
    private final int noncesMax;
    /** "device nonce" to the time (epoch ms) after which the request is refused for its timestamp alone. */
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();

    public ReplayGuard(Instant startedAt, Duration skewMax, int noncesMax) {
        this.startedAtMillis = requireNonNull(startedAt, "startedAt is null").toEpochMilli();
        this.skewMaxMillis = requireNonNull(skewMax, "skewMax is null").toMillis();
        if (noncesMax < 1) {
            throw new IllegalArgumentException("noncesMax must be positive");
        }
        this.noncesMax = noncesMax;
    }

    /** Records the request's nonce if it is new; the caller has checked the signature and the timestamp's skew. */
    Verdict admit(DeviceId device, String nonce, long timestampMillis) {
        if (timestampMillis < startedAtMillis) {
            return Verdict.SIGNED_BEFORE_START;
        }
        if (seen.size() >= noncesMax) {
            return Verdict.FULL;
        }
        Long before = seen.putIfAbsent(device.value() + " " + nonce, timestampMillis + skewMaxMillis);
        return before == null ? Verdict.NOVEL : Verdict.REPLAYED;
    }

    /** Forgets the nonces of requests that their timestamps alone now refuse. */
    public int prune(Instant now) {
        long nowMillis = now.toEpochMilli();
        int before = seen.size();
        seen.values().removeIf(refusedAfter -> refusedAfter < nowMillis);
        return before - seen.size();
    }

    int size() {
        return seen.size();
    }
}

package dev.corral.server.network;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Crc32c;
import dev.corral.core.DeviceId;
import dev.corral.scheduler.ConnectivityTier;
import dev.corral.server.Refusal;
import dev.corral.server.devices.DeviceState;
import dev.corral.store.DeviceRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Measures the link between a device and the coordinator both ways, on the coordinator's
 * clock, so a device cannot claim a faster line than it has. The device downloads
 * {@link #PROBE_BYTES} random bytes (the clock starts when they are handed out), then uploads
 * as many with the download's CRC-32C in its request, which it cannot know without every byte:
 * the download took until that request arrived (an upper bound, as it includes the new request,
 * so never flattering), the upload from its arrival until its last byte was read. The slower
 * direction sets the connectivity tier ({@link ConnectivityTier}), which replaces the operator's.
 *
 * <p>CRC-32C, not a cryptographic hash: it only has to be unguessable for bytes the device has
 * not seen, and the JDK computes it fast even before its compiler has warmed up, so a device's
 * CPU does not slow its measured line. The bytes come from a SecureRandom for the same reason:
 * a generator whose state shows in its first output would let a device compute the rest.
 */
public final class BandwidthService {
    /** 8 MiB: 67 ms at 1 Gbit/s, long enough to time; a day's probe per device, both ways, is 16 MiB. */
    public static final int PROBE_BYTES = 8 << 20;
    /** A probe not finished this long after its download began counts for nothing. */
    static final Duration PROBE_TTL = Duration.ofSeconds(60);
    /** Probes under way at once, each holding its random bytes while they are sent: the rest wait for a later turn. */
    static final int PROBES_IN_FLIGHT_MAX = 8;
    public static final String HEADER_PROBE = "Corral-Probe";

    private record Probe(DeviceId device, String crc32c, long startNanos, Instant expiresAt) {}

    /** What the device downloads: the probe's id and its bytes. */
    public record Download(String probeId, byte[] bytes) {}

    private final DeviceState devices;
    private final Clock clock;
    private final ConcurrentHashMap<String, Probe> probes = new ConcurrentHashMap<>();
    private final Semaphore inFlight = new Semaphore(PROBES_IN_FLIGHT_MAX);
    private final SecureRandom random = new SecureRandom();

    public BandwidthService(DeviceState devices, Clock clock) {
        this.devices = requireNonNull(devices, "devices is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Starts a probe for this device: random bytes to download; the download's clock starts now. */
    public Download start(DeviceId device) {
        dropExpired();
        if (!inFlight.tryAcquire()) {
            throw Refusal.limitExceeded(PROBES_IN_FLIGHT_MAX + " bandwidth probes are under way; try later");
        }
        byte[] bytes = new byte[PROBE_BYTES];
        random.nextBytes(bytes);
        byte[] id = new byte[12];
        random.nextBytes(id);
        String probeId = "bw_" + HexFormat.of().formatHex(id);
        probes.put(probeId, new Probe(device, Crc32c.hex(bytes), System.nanoTime(), clock.instant().plus(PROBE_TTL)));
        return new Download(probeId, bytes);
    }

    /** Whether this device has this probe under way: checked before its upload is authenticated. */
    public boolean pending(String probeId, DeviceId device) {
        Probe probe = probeId == null ? null : probes.get(probeId);
        return probe != null && probe.device().equals(device);
    }

    /**
     * Ends a probe with the device's upload: {@code downloadCrc32c} must be the CRC-32C (8 hex
     * digits) of the bytes it downloaded and {@code uploaded} exactly {@link #PROBE_BYTES}. Nothing is recorded
     * when either is wrong.
     *
     * @param arrivedNanos when the upload request arrived (System.nanoTime)
     * @param readNanos when its last byte had been read
     */
    public Map<String, Object> finish(DeviceId device, String probeId, String downloadCrc32c, long uploaded,
            long arrivedNanos, long readNanos) {
        Probe probe = probes.get(probeId);
        if (probe == null || !probe.device().equals(device) || !probes.remove(probeId, probe)) {
            throw Refusal.notFound("bandwidth probe", probeId);
        }
        inFlight.release();
        if (clock.instant().isAfter(probe.expiresAt())) {
            throw Refusal.conflict("bandwidth probe " + probeId + " expired: start another");
        }
        if (!probe.crc32c().equals(downloadCrc32c)) {
            throw Refusal.invalid("crc32c does not match the bytes sent: download the probe in full first");
        }
        if (uploaded != PROBE_BYTES) {
            throw Refusal.invalid("upload exactly " + PROBE_BYTES + " bytes, not " + uploaded);
        }
        long downMbps = ConnectivityTier.mbps(PROBE_BYTES, arrivedNanos - probe.startNanos());
        long upMbps = ConnectivityTier.mbps(PROBE_BYTES, readNanos - arrivedNanos);
        int tier = ConnectivityTier.of(downMbps, upMbps);
        DeviceRow.Bandwidth measured = new DeviceRow.Bandwidth(downMbps, upMbps, clock.instant());
        devices.transaction((c, writes) -> writes.setBandwidth(device, measured, tier));
        return Map.of("downMbps", downMbps, "upMbps", upMbps, "connectivityTier", tier);
    }

    private void dropExpired() {
        Instant now = clock.instant();
        probes.forEach((id, probe) -> {
            if (now.isAfter(probe.expiresAt()) && probes.remove(id, probe)) {
                inFlight.release();
            }
        });
    }
}

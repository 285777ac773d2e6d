package dev.corral.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An image pull's progress summed over its layers, from the engine's pull stream: each layer's
 * bytes downloaded and its size once the engine knows it. Docker and Podman send "Downloading"
 * with {@code progressDetail} {current, total} while a layer comes, then a status that says it
 * is done ("Download complete", "Pull complete", "Already exists"). Extraction's progress is
 * not download and is not counted. Pure; safe to read while the stream writes it.
 */
final class PullTally {
    private static final String DOWNLOADING = "Downloading";
    private static final Set<String> DONE = Set.of("Download complete", "Pull complete", "Already exists");

    /** Bytes downloaded of the total known so far. */
    record Progress(long bytesDone, long bytesTotal) {}

    private final Map<String, long[]> layers = new LinkedHashMap<>();
    private boolean started;

    /** The pull has begun: there is progress to show even before the first layer's. */
    synchronized void start() {
        started = true;
    }

    synchronized boolean started() {
        return started;
    }

    /** One item of the engine's pull stream. */
    synchronized void add(String layer, String status, Long current, Long total) {
        if (layer == null || status == null) {
            return;
        }
        long[] bytes = layers.computeIfAbsent(layer, id -> new long[2]);
        if (DOWNLOADING.equals(status)) {
            if (total != null && total > 0) {
                bytes[1] = total;
            }
            if (current != null && current >= 0) {
                bytes[0] = Math.max(bytes[0], bytes[1] > 0 ? Math.min(current, bytes[1]) : current);
            }
        } else if (DONE.contains(status)) {
            bytes[1] = Math.max(bytes[0], bytes[1]);
            bytes[0] = bytes[1];
        }
    }

    synchronized Progress progress() {
        long done = 0;
        long total = 0;
        for (long[] bytes : layers.values()) {
            done += bytes[0];
            total += bytes[1];
        }
        return new Progress(done, total);
    }
}

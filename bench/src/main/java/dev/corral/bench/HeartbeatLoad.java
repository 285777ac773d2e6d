package dev.corral.bench;

import static java.util.Objects.requireNonNull;

import dev.corral.agent.AgentClient;
import dev.corral.agent.DeviceIdentity;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import dev.corral.core.protocol.Heartbeat;
import dev.corral.core.protocol.RegisterRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Agent traffic for `corral bench heartbeats`: many device identities, each with its own key,
 * registered with the coordinator and then sending signed heartbeats exactly as the agent
 * does, from a bounded number of concurrent senders and as fast as the coordinator answers.
 * No agent threads, work polls or ranks: what is measured is the coordinator's cost per
 * signed agent request.
 */
public final class HeartbeatLoad {
    /** A CPU device as the benchmark's devices claim to be. */
    static final HardwareSpec HARDWARE = new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, "bench CPU", 8, 32_768);
    static final Telemetry TELEMETRY = new Telemetry(12.5, 4_096, List.of());
    static final List<String> RUNTIMES = List.of();
    static final String HOST = "127.0.0.1";

    private final URI server;
    private final List<Device> devices = new ArrayList<>();

    private record Device(DeviceId id, AgentClient client) {}

    /**
     * The heartbeats answered and how many failed over a measured stretch, with the answered
     * ones' latencies in microseconds, in ascending order.
     */
    public record Result(int devices, int senders, Duration elapsed, long answered, long failed, long[] sortedLatencyMicros) {
        public double perSecond() {
            return answered / (elapsed.toNanos() / 1e9);
        }

        public long percentileMicros(double percent) {
            if (sortedLatencyMicros.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(sortedLatencyMicros.length * percent / 100.0) - 1;
            return sortedLatencyMicros[Math.max(0, Math.min(sortedLatencyMicros.length - 1, rank))];
        }
    }

    public HeartbeatLoad(URI server) {
        this.server = requireNonNull(server, "server is null");
    }

    /**
     * Registers one device per join token, its key kept under {@code directory}, at most
     * {@code senders} at once; any failure ends the benchmark.
     */
    public void register(List<String> joinTokens, Path directory, int senders) throws Exception {
        List<Future<Device>> registered = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(senders, Thread.ofVirtual().factory())) {
            for (int i = 0; i < joinTokens.size(); i++) {
                String token = joinTokens.get(i);
                Path home = directory.resolve("device-" + i);
                registered.add(pool.submit(() -> {
                    DeviceIdentity identity = DeviceIdentity.loadOrCreate(home);
                    AgentClient client = AgentClient.joining(server, identity, token, Clock.systemUTC());
                    String id = client.register(new RegisterRequest(token, identity.publicKeyText(), HARDWARE, null,
                            HOST, RUNTIMES)).deviceId();
                    return new Device(new DeviceId(id), client);
                }));
            }
        }
        for (Future<Device> device : registered) {
            devices.add(device.get());
        }
    }

    /**
     * Sends heartbeats for {@code duration} from {@code senders} concurrent senders, each going
     * round its share of the devices, one request at a time.
     */
    public Result run(int senders, Duration duration) throws InterruptedException {
        if (devices.isEmpty() || senders < 1 || senders > devices.size()) {
            throw new IllegalArgumentException("1.." + devices.size() + " senders, over registered devices");
        }
        Heartbeat heartbeat = new Heartbeat(HARDWARE, TELEMETRY, HOST, RUNTIMES);
        AtomicLong failed = new AtomicLong();
        List<LatencyLog> logs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (int s = 0; s < senders; s++) {
            List<Device> share = new ArrayList<>();
            for (int d = s; d < devices.size(); d += senders) {
                share.add(devices.get(d));
            }
            LatencyLog log = new LatencyLog();
            threads.add(Thread.ofVirtual().start(() -> {
                for (int next = 0; System.nanoTime() < end; next = (next + 1) % share.size()) {
                    Device device = share.get(next);
                    long sent = System.nanoTime();
                    try {
                        device.client().heartbeat(device.id(), heartbeat);
                        log.add((System.nanoTime() - sent) / 1_000);
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
            logs.add(log);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        long[] all = logs.stream().flatMapToLong(LatencyLog::stream).sorted().toArray();
        return new Result(devices.size(), senders, elapsed, all.length, failed.get(), all);
    }

    /** One sender's latencies: written by that sender only, read once it ended. */
    private static final class LatencyLog {
        private long[] values = new long[1024];
        private int size;

        void add(long micros) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = micros;
        }

        LongStream stream() {
            return Arrays.stream(values, 0, size);
        }
    }
}

package dev.corral.bench;

import com.sun.net.httpserver.HttpServer;
import dev.corral.core.Json;
import dev.corral.core.protocol.Heartbeat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of `bench heartbeats`: the same heartbeat body posted by as many senders, on the
 * same kind of kept-alive JDK connection, to the JDK's own HTTP server on loopback, which
 * reads it and answers {@code {}}: no signature, no replay check, no store, no JSON read.
 * The coordinator's rate over this rate is what its agent path costs on this machine in this
 * hour.
 */
final class HeartbeatFloor {
    static final String PATH = "/agent/v1/heartbeat";
    static final byte[] ANSWER = "{}".getBytes(StandardCharsets.UTF_8);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private HeartbeatFloor() {}

    /** Heartbeats a second the plain server answered over {@code measured}, after {@code warmUp}. */
    static double perSecond(int senders, Duration warmUp, Duration measured) throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(PATH, exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ANSWER.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ANSWER);
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
            byte[] body = Json.mapper().writeValueAsBytes(new Heartbeat(HeartbeatLoad.HARDWARE, HeartbeatLoad.TELEMETRY,
                    HeartbeatLoad.HOST, HeartbeatLoad.RUNTIMES));
            send(url, body, senders, warmUp);
            long answered = send(url, body, senders, measured);
            return answered / (measured.toNanos() / 1e9);
        } finally {
            server.stop(0);
        }
    }

    private static long send(URI url, byte[] body, int senders, Duration duration) throws InterruptedException {
        AtomicLong answered = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>(senders);
        for (int s = 0; s < senders; s++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        post(url, body);
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException("the floor's plain server failed: " + e.getMessage(), e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return answered.get();
    }

    private static void post(URI url, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setConnectTimeout((int) REQUEST_TIMEOUT.toMillis());
        connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
        connection.setUseCaches(false);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        if (connection.getResponseCode() != 200) {
            throw new IOException("status " + connection.getResponseCode());
        }
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        }
    }
}

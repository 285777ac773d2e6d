package dev.corral.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.corral.core.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An image registry on loopback for the tests (no registry is reachable from the test
 * machines): the Docker Registry HTTP API v2 as an engine pulls through it (the version check,
 * a manifest, blobs), serving one image of busybox and a file of random bytes, which makes its
 * layer new to the engine and big enough to watch the pull's progress. It speaks HTTPS with a
 * certificate made for it, trusted by the engine through its per-registry certificate
 * directory ({@code /etc/containers/certs.d} for Podman, {@code /etc/docker/certs.d} for
 * Docker), so it needs root, as the container tests do. It may require credentials (HTTP
 * Basic) and may send its layer slowly.
 */
public final class TestRegistry implements AutoCloseable {
    private static final List<Path> CERTIFICATE_DIRECTORIES = List.of(Path.of("/etc/containers/certs.d"),
            Path.of("/etc/docker/certs.d"));
    private static final String MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String STORE_PASSWORD = "corral-test";
    private static final int CHUNK_BYTES = 64 << 10;

    private final HttpsServer server;
    private final String repository;
    private final String tag;
    private final Optional<String> credentials;
    private final long bytesPerSecond;
    private final byte[] manifest;
    private final Map<String, byte[]> blobs;
    private final int layerBytes;
    private final List<Path> trusted = new ArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger authorised = new AtomicInteger();

    private TestRegistry(HttpsServer server, String repository, String tag, Optional<String> credentials,
            long bytesPerSecond, byte[] manifest, Map<String, byte[]> blobs, int layerBytes) {
        this.server = server;
        this.repository = repository;
        this.tag = tag;
        this.credentials = credentials;
        this.bytesPerSecond = bytesPerSecond;
        this.manifest = manifest;
        this.blobs = blobs;
        this.layerBytes = layerBytes;
    }

    /**
     * A registry serving {@code repository:tag}, whose layer holds {@code fillerBytes} random
     * bytes beside busybox and is sent at about {@code bytesPerSecond}; with {@code username} and
     * {@code token} it answers 401 to any request without them.
     */
    public static TestRegistry start(String repository, String tag, int fillerBytes, long bytesPerSecond,
            Optional<String> username, Optional<String> token, Path scratch) throws Exception {
        TestImages.requireEngine();
        byte[] filler = new byte[fillerBytes];
        new SecureRandom().nextBytes(filler);
        byte[] tar = LocalImages.busyboxLayer(Map.of("filler.bin", filler));
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(tar);
        }
        byte[] layer = gzip.toByteArray();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + Sha256.hex(tar) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"size\":" + config.length + ",\"digest\":\""
                + digest(config) + "\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                + "\"size\":" + layer.length + ",\"digest\":\"" + digest(layer) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Path keyStore = certificate(scratch);
        server.setHttpsConfigurator(new HttpsConfigurator(tls(keyStore)));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Optional<String> basic = username.map(user -> "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + token.orElseThrow()).getBytes(StandardCharsets.UTF_8)));
        TestRegistry registry = new TestRegistry(server, repository, tag, basic, bytesPerSecond, manifest,
                Map.of(digest(layer), layer, digest(config), config), layer.length);
        server.createContext("/v2/", registry::handle);
        server.start();
        try {
            registry.trustIn(scratch.resolve("registry.crt"));
        } catch (IOException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** The image's reference: this registry's address, the repository and the tag. */
    public String image() {
        return address() + "/" + repository + ":" + tag;
    }

    /** The size of the image's layer, compressed, as the engine downloads it. */
    public int layerBytes() {
        return layerBytes;
    }

    /** Requests refused for want of credentials, and requests served with them. */
    public int refused() {
        return refused.get();
    }

    public int authorised() {
        return authorised.get();
    }

    private String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (credentials.isPresent()) {
                if (!credentials.get().equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    refused.incrementAndGet();
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"corral-test\"");
                    error(exchange, 401, "UNAUTHORIZED", "authentication required");
                    return;
                }
                authorised.incrementAndGet();
            }
            String path = exchange.getRequestURI().getPath();
            String prefix = "/v2/" + repository + "/";
            if (path.equals("/v2/")) {
                send(exchange, "application/json", "{}".getBytes(StandardCharsets.UTF_8), false);
            } else if (path.equals(prefix + "manifests/" + tag) || path.equals(prefix + "manifests/" + digest(manifest))) {
                send(exchange, MANIFEST_TYPE, manifest, false);
            } else if (path.startsWith(prefix + "blobs/") && blobs.containsKey(path.substring(prefix.length() + 6))) {
                byte[] blob = blobs.get(path.substring(prefix.length() + 6));
                send(exchange, "application/octet-stream", blob, blob.length == layerBytes);
            } else if (path.startsWith(prefix + "manifests/")) {
                error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            } else {
                error(exchange, 404, "NAME_UNKNOWN", "repository name not known to registry");
            }
        }
    }

    private void send(HttpExchange exchange, String type, byte[] body, boolean slowly) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.getResponseHeaders().add("Docker-Content-Digest", digest(body));
        exchange.getResponseHeaders().add("Docker-Distribution-Api-Version", "registry/2.0");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        if (head) {
            return;
        }
        try (OutputStream out = exchange.getResponseBody()) {
            for (int from = 0; from < body.length; from += CHUNK_BYTES) {
                out.write(body, from, Math.min(CHUNK_BYTES, body.length - from));
                out.flush();
                if (slowly) {
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(1) * CHUNK_BYTES / bytesPerSecond);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
        if (!"HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseBody().write(body);
        }
    }

    private static String digest(byte[] content) {
        return "sha256:" + Sha256.hex(content);
    }

    /** A key and self-signed certificate for 127.0.0.1, made by the JDK's keytool, in a PKCS#12 store. */
    private static Path certificate(Path scratch) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path store = scratch.resolve("registry.p12");
        Files.deleteIfExists(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(scratch, keytool, "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-ext", "BC:c=ca:true", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        run(scratch, keytool, "-exportcert", "-rfc", "-alias", "registry", "-keystore", store.toString(),
                "-storepass", STORE_PASSWORD, "-file", scratch.resolve("registry.crt").toString());
        return store;
    }

    private static void run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static SSLContext tls(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** The engine trusts this registry's certificate, for its address only. */
    private void trustIn(Path certificate) throws IOException {
        for (Path root : CERTIFICATE_DIRECTORIES) {
            Path directory = root.resolve(address());
            Files.createDirectories(directory);
            Files.copy(certificate, directory.resolve("ca.crt"));
            trusted.add(directory);
        }
    }

    /** Stops serving, withdraws the engine's trust, and removes the image from the engine. */
    @Override
    public void close() {
        server.stop(0);
        for (Path directory : trusted) {
            try {
                Files.deleteIfExists(directory.resolve("ca.crt"));
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                // left for the next run's cleanup: the port will differ
            }
        }
        try {
            TestImages.engine().commands().removeImageCmd(image()).withForce(true).exec();
        } catch (RuntimeException e) {
            // never pulled
        }
    }
}

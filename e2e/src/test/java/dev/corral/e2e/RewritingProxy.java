package dev.corral.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A man in the middle: passes every request to the coordinator and its answer back, headers
 * and all, except that while {@link #rewriting} it passes each work-poll answer (or those of another path) through the
 * rewrite first. It counts the work polls it forwarded and the answers it changed, and keeps the
 * paths it forwarded. Over TLS it serves a certificate of its own (made with the JDK's keytool),
 * and takes any certificate from the coordinator.
 */
final class RewritingProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding",
            "keep-alive", "host", "date");
    private static final int TIMEOUT_MILLIS = 60_000;
    private static final String PROXY_STORE_PASSWORD = "proxy-store";
    /** The proxy takes any certificate from the coordinator: it is the one in the middle. */
    private static final SSLContext TRUST_ANY = WebClient.trustAny();

    private final HttpServer server;
    private final String scheme;
    private final URI upstream;
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final UnaryOperator<byte[]> rewrite;
    private final AtomicInteger workPolls = new AtomicInteger();
    private final AtomicInteger rewrites = new AtomicInteger();
    volatile boolean rewriting = true;
    /** The path whose answers are rewritten: the agents' work polls unless made for another. */
    private volatile String rewrittenPath = "/agent/v1/work";

    private RewritingProxy(URI upstream, UnaryOperator<byte[]> rewrite, SSLContext tls) throws IOException {
        this.upstream = upstream;
        this.rewrite = rewrite;
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        if (tls == null) {
            this.server = HttpServer.create(address, 0);
            this.scheme = "http";
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.server = https;
            this.scheme = "https";
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
    }

    /** A proxy to the coordinator at upstream that rewrites work answers with this function. */
    static RewritingProxy to(URI upstream, UnaryOperator<byte[]> rewrite) throws IOException {
        return new RewritingProxy(upstream, rewrite, null);
    }

    /** A proxy to the coordinator at upstream that rewrites the answers to GETs of this path instead. */
    static RewritingProxy rewritingAnswersTo(String path, URI upstream, UnaryOperator<byte[]> rewrite)
            throws IOException {
        RewritingProxy proxy = new RewritingProxy(upstream, rewrite, null);
        proxy.rewrittenPath = path;
        return proxy;
    }

    /** A proxy serving TLS with a certificate of its own, made in this directory, that changes nothing. */
    static RewritingProxy overTls(URI upstream, Path directory) throws Exception {
        Path store = directory.resolve("proxy.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "proxy", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PROXY_STORE_PASSWORD).redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + said);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PROXY_STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PROXY_STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        RewritingProxy proxy = new RewritingProxy(upstream, body -> body, tls);
        proxy.rewriting = false;
        return proxy;
    }

    URI url() {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The paths of the requests it passed on, in order. */
    List<String> forwarded() {
        return List.copyOf(forwarded);
    }

    int workPolls() {
        return workPolls.get();
    }

    int rewrites() {
        return rewrites.get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            forwarded.add(exchange.getRequestURI().getPath());
            HttpURLConnection connection = (HttpURLConnection) upstream.resolve(target).toURL().openConnection();
            if (connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(TRUST_ANY.getSocketFactory());
                https.setHostnameVerifier((host, session) -> true);
            }
            connection.setRequestMethod(exchange.getRequestMethod());
            connection.setReadTimeout(TIMEOUT_MILLIS);
            exchange.getRequestHeaders().forEach((name, values) -> {
                // Asked for plain answers, which it can read and rewrite (a browser asks for compressed ones).
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !"accept-encoding".equalsIgnoreCase(name)) {
                    values.forEach(value -> connection.addRequestProperty(name, value));
                }
            });
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (body.length > 0) {
                connection.setDoOutput(true);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            byte[] answer;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            boolean workPoll = exchange.getRequestURI().getPath().equals(rewrittenPath);
            if (workPoll) {
                workPolls.incrementAndGet();
                if (rewriting && status == 200) {
                    answer = rewrite.apply(answer);
                    rewrites.incrementAndGet();
                }
            }
            for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
                if (header.getKey() != null && !HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
                    header.getValue().forEach(value -> exchange.getResponseHeaders().add(header.getKey(), value));
                }
            }
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }


    @Override
    public void close() {
        server.stop(0);
    }
}

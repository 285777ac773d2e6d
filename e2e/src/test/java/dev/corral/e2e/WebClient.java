package dev.corral.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A browser's requests to the web faces without the browser: it keeps the session cookie it is
 * given (and sends it back), follows no redirect, and reads a page's CSRF token. Over TLS it takes
 * the test coordinator's own certificate (its pinning is tested elsewhere).
 */
final class WebClient {
    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;
    private String sessionCookie;

    WebClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).sslContext(trustAny())
                .connectTimeout(TIMEOUT).build();
    }

    /** Signs in with the key; the answer is the sign-in's (a redirect when it worked). */
    HttpResponse<String> signIn(String apiKey) throws Exception {
        return post("/login", Map.of("apiKey", apiKey, "next", "/cloud/clusters"), Map.of());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"))));
        headers.forEach(request::header);
        return send(request);
    }

    /** The CSRF token the session's pages carry, read from one of them. */
    String csrfToken() throws Exception {
        Matcher token = CSRF.matcher(get("/cloud/clusters").body());
        if (!token.find()) {
            throw new IllegalStateException("no CSRF token on the page: not signed in?");
        }
        return token.group(1);
    }

    /** A form with the session's CSRF token and these fields. */
    Map<String, String> withCsrf(Map<String, String> fields) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("csrf", csrfToken());
        return form;
    }

    Optional<String> sessionCookie() {
        return Optional.ofNullable(sessionCookie);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (sessionCookie != null) {
            request.header("Cookie", sessionCookie);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        answer.headers().allValues("Set-Cookie").forEach(cookie -> {
            String pair = cookie.split(";", 2)[0];
            sessionCookie = pair.endsWith("=") ? null : pair;
        });
        return answer;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A TLS context that takes any server's certificate: for tests whose subject is not the certificate. */
    static SSLContext trustAny() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

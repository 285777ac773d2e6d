package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.Json;
import dev.corral.core.api.AccountCreated;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lenient input found by trying the API as an attacker would, re-run: fractions and strings
 * taken as integers, Unicode digits taken as money, duplicate keys, a money field of half a
 * million digits parsed before it was refused, and Jetty's own errors answered in HTML. Every
 * one is now a 400 (or the status Jetty chose) with a JSON body and a code, and changes nothing.
 */
class StrictInputTest {
    @TempDir
    Path directory;
    private TestNetwork network;
    private HttpClient http;
    private AccountCreated alice;

    @BeforeEach
    void start() {
        network = TestNetwork.on(TestNetwork.Store.H2, directory);
        http = HttpClient.newHttpClient();
        alice = network.anonymous.createAccount("alice");
    }

    @AfterEach
    void stop() {
        http.close();
        network.close();
    }

    @Test
    void integersMustBeIntegersAndKeysMayNotRepeat() throws Exception {
        assertRefused(post("/api/v1/quotes", alice.apiKey(), "{\"cpu\":true,\"count\":1,\"hours\":1.5}"), "hours");
        assertRefused(post("/api/v1/quotes", alice.apiKey(), "{\"cpu\":true,\"count\":\"1\",\"hours\":1}"), "count");
        assertRefused(post("/api/v1/quotes", alice.apiKey(), "{\"cpu\":true,\"count\":1,\"count\":2,\"hours\":1}"),
                "count");
        assertRefused(post("/api/v1/quotes", alice.apiKey(), "{\"cpu\":\"true\",\"count\":1,\"hours\":1}"), "cpu");
    }

    @Test
    void moneyIsAsciiDigitsOfBoundedLengthAndIsRefusedBeforeItIsParsed() throws Exception {
        String credit = "/api/v1/admin/credits";
        assertRefused(post(credit, TestNetwork.ADMIN_KEY, creditBody("\uFF11\uFF10")), "amountUsd");
        assertRefused(post(credit, TestNetwork.ADMIN_KEY, creditBody("\u0661\u0660")), "amountUsd");
        HttpResponse<String> huge = post(credit, TestNetwork.ADMIN_KEY, creditBody("1" + "0".repeat(500_000)));
        assertRefused(huge, "amountUsd");
        assertThat(huge.body().length()).as("the refusal does not echo the number").isLessThan(1_000);

        assertThat(network.anonymous.withKey(alice.apiKey()).account().available().minor()).isZero();
    }

    @Test
    void jettysOwnRefusalsAreJsonWithACode() throws Exception {
        HttpResponse<String> longQuery = http.send(HttpRequest.newBuilder(URI.create(network.url + "/api/v1/offers?q="
                + "a".repeat(40_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(longQuery.statusCode()).isEqualTo(414);
        assertJsonError(longQuery.statusCode(), longQuery.headers().firstValue("content-type").orElse(""),
                longQuery.body());

        String nulInPath = raw("GET /api/v1/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertRawJsonError(nulInPath);
        String nulInHeader = raw("GET /api/v1/network HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\nConnection: close\r\n\r\n");
        assertRawJsonError(nulInHeader);
    }

    private String creditBody(String amount) {
        return "{\"accountId\":\"" + alice.accountId() + "\",\"amountUsd\":\"" + amount + "\"}";
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(network.url + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").header("Idempotency-Key", "k-" + System.nanoTime())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body());
        assertThat(error.get("error").asText()).isNotBlank();
        assertThat(error.get("message").asText()).contains(field);
    }

    private static void assertJsonError(int status, String contentType, String body) throws Exception {
        assertThat(contentType).as("status %d: %s", status, body).startsWith("application/json");
        JsonNode error = Json.mapper().readTree(body);
        assertThat(error.get("error").asText()).isNotBlank();
        assertThat(error.get("message").asText()).isNotBlank();
    }

    private void assertRawJsonError(String response) throws Exception {
        int status = Integer.parseInt(response.substring(9, 12));
        assertThat(status).as(response).isBetween(400, 499);
        String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase();
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertJsonError(status, head.contains("content-type: application/json") ? "application/json" : head, body);
    }

    /** What the coordinator answers to bytes a client library would not send. */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket(network.url.getHost(), network.url.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

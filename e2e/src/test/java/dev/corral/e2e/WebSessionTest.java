package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signing in to the web faces, on both stores: what the session cookie is, which changes a
 * session may make, and that a session never reads or changes another account's objects (the
 * same answers as for an object that does not exist, as the API gives).
 */
class WebSessionTest extends NetworkTest {
    private static final String MISSING_CLUSTER = "clu_00000000000000000000";
    private static final String MISSING_DEVICE = "dev_00000000000000000000";

    @Test
    void anotherAccountsClusterIsInvisibleAndUntouchableThroughTheWebPagesAsThroughTheApi() throws Exception {
        CorralClient alice = network.customer("alice", "5");
        String device = network.agent(alice).deviceId().value();
        network.awaitIdleDevices(1);
        ClusterView cluster = alice.deploy(cpu(1, 1, "sleep 300"), null);
        network.awaitState(alice, cluster.clusterId(), "RUNNING");
        AccountCreated mallory = network.anonymous.createAccount("mallory");
        WebClient web = new WebClient(network.url);
        web.signIn(mallory.apiKey());
        String csrf = web.csrfToken();

        for (String path : List.of("/cloud/clusters/%s", "/cloud/data/clusters/%s", "/cloud/data/clusters/%s/logs",
                "/cloud/data/clusters/%s/refund")) {
            HttpResponse<String> onTheirs = web.get(path.formatted(cluster.clusterId()));
            HttpResponse<String> onMissing = web.get(path.formatted(MISSING_CLUSTER));
            assertThat(onTheirs.statusCode()).as("GET " + path).isEqualTo(404);
            assertThat(onTheirs.body()).as("GET " + path)
                    .isEqualTo(onMissing.body().replace(MISSING_CLUSTER, cluster.clusterId()));
        }
        for (String path : List.of("/worker/devices/%s", "/worker/data/devices/%s/telemetry?span=1h")) {
            HttpResponse<String> onTheirs = web.get(path.formatted(device));
            HttpResponse<String> onMissing = web.get(path.formatted(MISSING_DEVICE));
            assertThat(onTheirs.statusCode()).as("GET " + path).isEqualTo(404);
            assertThat(onTheirs.body()).as("GET " + path).isEqualTo(onMissing.body().replace(MISSING_DEVICE, device));
        }
        assertThat(web.get("/worker/devices").body()).doesNotContain(device);
        for (String path : List.of("/cloud/clusters/%s/extend", "/cloud/clusters/%s/terminate")) {
            Map<String, String> form = Map.of("csrf", csrf, "hours", "1", "idempotencyKey", "k-" + path.length());
            HttpResponse<String> onTheirs = web.post(path.formatted(cluster.clusterId()), form, Map.of());
            HttpResponse<String> onMissing = web.post(path.formatted(MISSING_CLUSTER), form, Map.of());
            assertThat(onTheirs.statusCode()).as("POST " + path).isEqualTo(404);
            assertThat(onTheirs.body()).as("POST " + path)
                    .isEqualTo(onMissing.body().replace(MISSING_CLUSTER, cluster.clusterId()));
        }

        assertThat(web.get("/cloud/clusters").body()).doesNotContain(cluster.clusterId());
        assertThat(web.get("/cloud/wallet").body()).doesNotContain(cluster.clusterId());
        ClusterView untouched = alice.cluster(cluster.clusterId());
        assertThat(untouched.state()).isEqualTo("RUNNING");
        assertThat(untouched.hours()).isEqualTo(1);
        alice.terminate(cluster.clusterId());
    }

    @Test
    void aChangeWithoutTheSessionsCsrfTokenOrFromAnotherSitesPageIsRefusedAndChangesNothing() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        AccountCreated alice = network.anonymous.createAccount("alice");
        network.admin.credit(alice.accountId(), "5", "fund-alice");
        CorralClient owner = network.anonymous.withKey(alice.apiKey());
        network.agent(supplier);
        network.awaitIdleDevices(1);
        ClusterView cluster = owner.deploy(cpu(1, 1, "sleep 300"), null);
        network.awaitState(owner, cluster.clusterId(), "RUNNING");
        WebClient web = new WebClient(network.url);
        web.signIn(alice.apiKey());
        String terminate = "/cloud/clusters/" + cluster.clusterId() + "/terminate";
        String csrf = web.csrfToken();

        HttpResponse<String> withoutToken = web.post(terminate, Map.of(), Map.of());
        HttpResponse<String> withAnotherToken = web.post(terminate, Map.of("csrf", "csrf_forged"), Map.of());
        HttpResponse<String> fromAnotherSite = web.post(terminate, Map.of("csrf", csrf),
                Map.of("Origin", "https://evil.example"));
        HttpResponse<String> quoteWithoutToken = web.post("/cloud/data/quote", Map.of("hardware", "cpu", "count", "1",
                "duration", "1", "durationUnit", "hours"), Map.of());

        for (HttpResponse<String> refused : List.of(withoutToken, withAnotherToken, fromAnotherSite, quoteWithoutToken)) {
            assertThat(refused.statusCode()).isEqualTo(403);
        }
        assertThat(withoutToken.body()).contains("did not come from a page of this session");
        assertThat(fromAnotherSite.body()).contains("a page of https://evil.example may not change anything here");
        assertThat(owner.cluster(cluster.clusterId()).state()).isEqualTo("RUNNING");

        HttpResponse<String> withToken = web.post(terminate, Map.of("csrf", csrf), Map.of());
        assertThat(withToken.statusCode()).isEqualTo(302);
        assertThat(owner.cluster(cluster.clusterId()).state()).isEqualTo("TERMINATED");
    }

    @Test
    void aSessionSurvivesARestartEndsAfterItsLifetimeAndAtSignOut() throws Exception {
        AccountCreated alice = network.anonymous.createAccount("alice");
        WebClient web = new WebClient(network.url);
        assertThat(web.signIn(alice.apiKey()).statusCode()).isEqualTo(302);

        network.restartCoordinator();
        assertThat(web.get("/cloud/clusters").statusCode()).as("after a restart").isEqualTo(200);

        network.clock.advance(Duration.ofHours(12).plusSeconds(1));
        HttpResponse<String> page = web.get("/cloud/clusters");
        HttpResponse<String> data = web.get("/cloud/data/clusters/" + MISSING_CLUSTER);
        assertThat(page.statusCode()).as("a page after 12 h").isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).contains("/login?next=%2Fcloud%2Fclusters");
        assertThat(data.statusCode()).as("a page's data after 12 h").isEqualTo(401);
        assertThat(data.body()).contains("your session has ended");

        WebClient again = new WebClient(network.url);
        again.signIn(alice.apiKey());
        HttpResponse<String> signedOut = again.post("/logout", Map.of("csrf", again.csrfToken()), Map.of());
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie ->
                assertThat(cookie).startsWith("corral_session=;").contains("Max-Age=0"));
        assertThat(again.get("/cloud/clusters").statusCode()).as("after signing out").isEqualTo(302);
    }

    @Test
    void afterSigningInTheBrowserGoesOnlyToAPageOfThisSiteWhateverTheNextParameterSays() throws Exception {
        AccountCreated alice = network.anonymous.createAccount("alice");
        for (String next : List.of("//evil.example/", "/\t/evil.example/", "/\\evil.example", "https://evil.example/",
                "/\n/evil.example", "javascript:alert(1)")) {
            HttpResponse<String> signedIn = new WebClient(network.url).post("/login",
                    Map.of("apiKey", alice.apiKey(), "next", next), Map.of());
            assertThat(signedIn.headers().firstValue("Location")).as(next).contains("/cloud");
        }
        HttpResponse<String> toAPage = new WebClient(network.url).post("/login",
                Map.of("apiKey", alice.apiKey(), "next", "/cloud/offers?q=kind%3Dcpu"), Map.of());
        assertThat(toAPage.headers().firstValue("Location")).contains("/cloud/offers?q=kind%3Dcpu");
    }

    @Test
    void aSignUpFromAnotherSitesPageMakesNoAccount() throws Exception {
        HttpResponse<String> refused = new WebClient(network.url).post("/signup", Map.of("name", "victim"),
                Map.of("Origin", "https://evil.example"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(network.storeHolds("victim")).isFalse();
    }

    @Test
    void anUnknownKeyDoesNotSignInAndSaysWhatToEnter() throws Exception {
        WebClient web = new WebClient(network.url);

        HttpResponse<String> refused = web.signIn("ck_not-a-key");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("unknown API key");
        assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(web.get("/cloud/clusters").statusCode()).isEqualTo(302);
    }
}

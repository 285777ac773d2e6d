package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** /metrics on a live coordinator: what an operator needs is there, and Prometheus' own checker finds nothing wrong. */
class MetricsTest extends NetworkTest {
    private static final long PROMTOOL_SECONDS_MAX = 30;

    @Test
    void aScrapeAfterAClusterRanHasTheJvmPoolHttpAndDomainMetersAndPassesPromtool() throws Exception {
        network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(2, 1, "true"), null);
        network.awaitState(alice, deployed.clusterId(), "COMPLETED");

        String metrics = new RawAgent(network.url, network.clock).send("GET", "/metrics", new byte[0], Map.of()).body();

        assertThat(metrics).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ",
                "process_cpu_usage ", "process_uptime_seconds ", "hikaricp_connections_active{",
                "corral_http_server_requests_seconds_bucket{", "route=\"/api/v1/clusters\"", "route=\"/agent/v1/work\"",
                "corral_placements_total{outcome=\"placed\"} 1.0", "corral_cluster_time_to_running_seconds_count 1",
                "corral_clusters_deployed_total 1.0", "corral_heartbeats_total ",
                "corral_clusters_ended_total{state=\"COMPLETED\"} 1.0");
        assertThat(promtoolCheck(metrics)).isEmpty();
    }

    /** What `promtool check metrics` says of a scrape: nothing when every metric is well formed and has help text. */
    private static String promtoolCheck(String metrics) throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (InputStream out = promtool.getInputStream()) {
            out.transferTo(said);
        }
        assertThat(promtool.waitFor(PROMTOOL_SECONDS_MAX, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        String text = said.toString(StandardCharsets.UTF_8);
        assertThat(promtool.exitValue()).as(text).isZero();
        return text;
    }
}

package dev.corral.server.metrics;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's metrics registry, scraped at /metrics in Prometheus' text format: the JVM
 * (memory, collections, threads, classes, CPU, uptime), every HTTP request by route and status
 * with a latency histogram, the store's connection pool (bound by the store) and {@link Meters}.
 */
public final class CoordinatorMetrics implements AutoCloseable {
    /** The route of a request no endpoint matched, so unknown paths do not each make a series. */
    static final String UNMATCHED_ROUTE = "unmatched";
    private static final Set<String> NAMES_PROMTOOL_REFUSES = Set.of("process.cpu.time", "system.cpu.count");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public CoordinatorMetrics() {
        // Two of Micrometer's processor meters break Prometheus' naming rules (an "ns" unit in a
        // name, a "_count" suffix on a gauge); process_cpu_usage and system_cpu_usage say the same.
        registry.config().meterFilter(MeterFilter.deny(id -> NAMES_PROMTOOL_REFUSES.contains(id.getName())));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Records a finished HTTP request: Javalin's request logger, called with the time it took. */
    public void requestDone(Context ctx, Float millis) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        Timer.builder("corral_http_server_requests")
                .description("HTTP requests served, by method, route and status")
                .tag("method", ctx.method().name())
                .tag("route", endpoint == null ? UNMATCHED_ROUTE : endpoint.path)
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram().minimumExpectedValue(Meters.LATENCY_MIN)
                .maximumExpectedValue(Meters.LATENCY_MAX)
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** The metrics in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

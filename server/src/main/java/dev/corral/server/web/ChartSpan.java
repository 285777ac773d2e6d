package dev.corral.server.web;

import dev.corral.server.Refusal;
import java.time.Duration;
import java.util.Map;

/** The spans a chart over time may show, by the name a page asks for them with (`?span=1h`). */
final class ChartSpan {
    static final Map<String, Duration> SPANS = Map.of("1h", Duration.ofHours(1), "1d", Duration.ofDays(1));

    private ChartSpan() {}

    /** The span the name stands for, or this default one when none is named; refused for an unknown name. */
    static Duration parse(String name, String fallback) {
        Duration span = SPANS.get(name == null ? fallback : name);
        if (span == null) {
            throw Refusal.invalid("span must be one of " + SPANS.keySet());
        }
        return span;
    }
}

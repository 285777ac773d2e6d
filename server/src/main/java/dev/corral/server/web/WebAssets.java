package dev.corral.server.web;

import io.javalin.http.staticfiles.Location;
import io.javalin.http.staticfiles.StaticFileConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The web faces' own scripts and styles and the vendored front-end libraries (scripts/vendor-web.sh),
 * served from the classpath under /assets: nothing a page uses is fetched from elsewhere.
 */
public final class WebAssets {
    /** How long a browser may reuse an asset before asking again. */
    static final Duration CACHE_FOR = Duration.ofHours(1);

    private WebAssets() {}

    public static void configure(StaticFileConfig files) {
        files.hostedPath = "/assets";
        files.directory = "/web/assets";
        files.location = Location.CLASSPATH;
        files.headers = Map.of("Cache-Control", "public, max-age=" + CACHE_FOR.toSeconds(),
                "X-Content-Type-Options", "nosniff");
    }
}

package dev.corral.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.Json;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.net.URI;
import picocli.CommandLine.Option;

/** Where the coordinator is and which key to use: the options every client command shares. */
final class ClientOptions {
    static final String SERVER_DEFAULT = "http://127.0.0.1:8080";

    @Option(names = "--server", description = "Coordinator URL (env CORRAL_SERVER, default " + SERVER_DEFAULT + ").")
    String server;

    @Option(names = "--key", description = "API key (env CORRAL_API_KEY).")
    String key;

    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    CorralClient client() {
        return new CorralClient(URI.create(server()), key != null ? key : System.getenv("CORRAL_API_KEY"));
    }

    CorralClient admin() {
        String admin = key != null ? key : System.getenv("CORRAL_ADMIN_KEY");
        if (admin == null) {
            throw new IllegalArgumentException("admin commands need the admin key: --key or env CORRAL_ADMIN_KEY");
        }
        return new CorralClient(URI.create(server()), admin);
    }

    String server() {
        if (server != null) {
            return server;
        }
        String env = System.getenv("CORRAL_SERVER");
        return env != null ? env : SERVER_DEFAULT;
    }

    /** Prints the value as JSON when --json was given; returns whether it did. */
    boolean printedJson(PrintWriter out, Object value) {
        if (!json) {
            return false;
        }
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON", e);
        }
        return true;
    }
}

package dev.corral.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.Json;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import dev.corral.sdk.ServerTrust;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the coordinator is, which key to use, and which certificate to take from it: the options every client command shares. */
final class ClientOptions {
    static final String SERVER_DEFAULT = "https://127.0.0.1:8080";
    /** Where coordinators' certificates trusted on first use are pinned, unless env CORRAL_KNOWN_COORDINATORS says. */
    static final String KNOWN_COORDINATORS_DEFAULT = ".config/corral/known-coordinators";

    /** The command this mixes into: its error stream gets the notices. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--server", description = "Coordinator URL (env CORRAL_SERVER, default " + SERVER_DEFAULT + ").")
    String server;

    @Option(names = "--fingerprint", description = "SHA-256 of the coordinator's TLS certificate, as 'corral server' "
            + "prints it (env CORRAL_SERVER_FINGERPRINT): only that certificate is taken, and it is pinned for later calls. "
            + "Without this or --ca-file, a certificate no known CA signed is trusted on first use and pinned in "
            + "~/" + KNOWN_COORDINATORS_DEFAULT + ".")
    String fingerprint;

    @Option(names = "--known-coordinators", description = "File of coordinators' certificates pinned on first use "
            + "(env CORRAL_KNOWN_COORDINATORS, default ~/" + KNOWN_COORDINATORS_DEFAULT + ").")
    Path knownCoordinators;

    @Option(names = "--ca-file", description = "PEM file of the CA (or the coordinator's own certificate) to check the "
            + "coordinator's certificate against (env CORRAL_CA_FILE).")
    Path caFile;

    @Option(names = "--key", description = "API key (env CORRAL_API_KEY).")
    String key;

    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    CorralClient client() {
        return new CorralClient(URI.create(server()), key != null ? key : System.getenv("CORRAL_API_KEY"), trust());
    }

    /**
     * The certificate to take: the fingerprint given (pinned for later calls too), the CA file
     * given, or else a known CA's or the one pinned on first use.
     */
    ServerTrust trust() {
        String pin = fingerprint != null ? fingerprint : System.getenv("CORRAL_SERVER_FINGERPRINT");
        String ca = caFile != null ? caFile.toString() : System.getenv("CORRAL_CA_FILE");
        URI url = URI.create(server());
        if (pin != null) {
            ServerTrust pinned = ServerTrust.pinned(pin);
            if ("https".equalsIgnoreCase(url.getScheme())) {
                ServerTrust.pin(knownCoordinators(), url, pin);
            }
            return pinned;
        }
        if (ca != null) {
            return ServerTrust.caFile(Path.of(ca));
        }
        return ServerTrust.firstUse(knownCoordinators(), notice -> {
            PrintWriter err = command != null ? command.commandLine().getErr() : new PrintWriter(System.err, true);
            err.println("notice: " + notice);
            err.flush();
        });
    }

    Path knownCoordinators() {
        if (knownCoordinators != null) {
            return knownCoordinators;
        }
        String env = System.getenv("CORRAL_KNOWN_COORDINATORS");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home")).resolve(KNOWN_COORDINATORS_DEFAULT);
    }


    CorralClient admin() {
        String admin = key != null ? key : System.getenv("CORRAL_ADMIN_KEY");
        if (admin == null) {
            throw new IllegalArgumentException("admin commands need the admin key: --key or env CORRAL_ADMIN_KEY");
        }
        return new CorralClient(URI.create(server()), admin, trust());
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

package dev.corral.sdk;

import static java.util.Objects.requireNonNull;

import dev.corral.core.auth.ServerCertificateCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which TLS certificate a client takes from the coordinator:
 * <ul>
 *   <li>{@link #systemCertificates()}: one a CA this JDK trusts signed for the host (the default);</li>
 *   <li>{@link #caFile}: one the CAs in a PEM file signed for the host (or the coordinator's own
 *   self-made certificate given as its CA);</li>
 *   <li>{@link #pinned}: exactly the certificate with this SHA-256, the fingerprint
 *   {@code corral server} prints at start (what {@code openssl x509 -fingerprint -sha256} shows);</li>
 *   <li>{@link #firstUse}: a certificate a CA this JDK trusts signed for the host, as by default;
 *   any other is trusted on first use, as ssh does: the first one seen for a host and port is
 *   pinned in a file, and a different one later is refused with
 *   {@link CertificateChangedException} until someone who checked it says otherwise.</li>
 * </ul>
 * Plain http:// URLs use no TLS and ignore this.
 */
public final class ServerTrust {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** A known-coordinators entry for a host whose certificate a known CA signed: only such a certificate is taken. */
    static final String SIGNED_BY_CA = "ca";

    /** A certificate other than the pinned one: a replaced certificate, or someone in between. */
    public static final class CertificateChangedException extends CertificateException {
        CertificateChangedException(String message) {
            super(message);
        }
    }

    private enum Kind { SYSTEM, CA_FILE, PINNED, FIRST_USE }

    private final Kind kind;
    private final Path file;
    private final String fingerprint;
    private final Consumer<String> notices;

    private ServerTrust(Kind kind, Path file, String fingerprint, Consumer<String> notices) {
        this.kind = kind;
        this.file = file;
        this.fingerprint = fingerprint;
        this.notices = notices;
    }

    public static ServerTrust systemCertificates() {
        return new ServerTrust(Kind.SYSTEM, null, null, notice -> {});
    }

    public static ServerTrust caFile(Path pemFile) {
        return new ServerTrust(Kind.CA_FILE, requireNonNull(pemFile, "pemFile is null"), null, notice -> {});
    }

    /** Exactly the certificate with this SHA-256 (hex; colons and upper case are fine). */
    public static ServerTrust pinned(String sha256) {
        return new ServerTrust(Kind.PINNED, null, normalize(sha256).orElseThrow(() -> new IllegalArgumentException(
                "a certificate fingerprint is 64 hex digits (colons allowed), not '" + sha256 + "'")), notice -> {});
    }

    /**
     * Trust on first use, pinned in this file (one line per host:port); notices gets one line
     * when a certificate is pinned, for the person to compare with the coordinator's.
     */
    public static ServerTrust firstUse(Path knownCoordinators, Consumer<String> notices) {
        return new ServerTrust(Kind.FIRST_USE, requireNonNull(knownCoordinators, "knownCoordinators is null"), null,
                requireNonNull(notices, "notices is null"));
    }

    /** Lower-case hex without colons, or empty for text that is not a SHA-256. */
    static Optional<String> normalize(String sha256) {
        if (sha256 == null) {
            return Optional.empty();
        }
        String hex = sha256.replace(":", "").toLowerCase(Locale.ROOT);
        return SHA256_HEX.matcher(hex).matches() ? Optional.of(hex) : Optional.empty();
    }

    /** The SHA-256 of a certificate's DER bytes, as colon-separated upper-case pairs (openssl's way). */
    public static String display(String sha256Hex) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < sha256Hex.length(); i += 2) {
            shown.append(i == 0 ? "" : ":").append(sha256Hex.substring(i, i + 2).toUpperCase(Locale.ROOT));
        }
        return shown.toString();
    }

    /** The TLS context a client of this server uses. */
    SSLContext context(URI server) {
        try {
            TrustManager trust = switch (kind) {
                case SYSTEM -> null;
                case CA_FILE -> caTrust(file);
                case PINNED -> new Pinned(server, fingerprint, null, null);
                case FIRST_USE -> new Pinned(server, known(file, hostPort(server)).orElse(null), this, systemTrust());
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust == null ? null : new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager caTrust(Path pemFile) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(pemFile)) {
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalArgumentException("the CA file " + pemFile + " holds no PEM certificate");
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot use the CA file " + pemFile + ": " + e.getMessage(), e);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers()[0];
    }

    private static X509ExtendedTrustManager systemTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("this JDK has no X.509 trust manager");
    }

    static String hostPort(URI server) {
        int port = server.getPort() >= 0 ? server.getPort() : 443;
        return server.getHost() + ":" + port;
    }

    /**
     * What the file says of host:port: a pinned fingerprint, {@link #SIGNED_BY_CA} for a host
     * whose certificate a known CA signed, or empty for a host not met yet. A malformed line for
     * the host is an error, never a reason to trust anew.
     */
    static Optional<String> known(Path file, String hostPort) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.trim().split("\\s+");
                if (fields[0].equals(hostPort)) {
                    Optional<String> entry = fields.length != 2 ? Optional.empty()
                            : fields[1].equals(SIGNED_BY_CA) ? Optional.of(SIGNED_BY_CA) : normalize(fields[1]);
                    return Optional.of(entry.orElseThrow(() -> new IllegalArgumentException("the line for " + hostPort
                            + " in " + file + " is not 'host:port sha256' nor 'host:port " + SIGNED_BY_CA
                            + "': fix it or delete it")));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Pins a fingerprint for the server's host and port in the file, replacing the line it had. */
    public static void pin(Path file, URI server, String sha256) {
        pin(file, hostPort(server), normalize(sha256).orElseThrow(() -> new IllegalArgumentException(
                "a certificate fingerprint is 64 hex digits (colons allowed), not '" + sha256 + "'")));
    }

    /** Writes the entry (a fingerprint, or {@link #SIGNED_BY_CA}) for host:port, replacing the line it had. */
    private static void pin(Path file, String hostPort, String entry) {
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.trim().split("\\s+")[0].equals(hostPort)) {
                        lines.add(line);
                    }
                }
            } else {
                lines.add("# Coordinators met by corral: host:port and the SHA-256 of the certificate pinned on first "
                        + "use, or '" + SIGNED_BY_CA + "' for one a known CA signed (any other is then refused)");
            }
            lines.add(hostPort + " " + entry);
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            Files.write(temp, lines, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pin the coordinator's certificate in " + file, e);
        }
    }

    /**
     * Takes the pinned certificate only; with no pin yet (trust on first use), takes the first
     * one and pins it. The host name is not checked: the pin says more than any name.
     */
    private static final class Pinned extends ServerCertificateCheck {
        private final URI server;
        private volatile String expected;
        /** The trust that pins on first use, or null for a fixed pin. */
        private final ServerTrust firstUse;
        /** The JDK's CAs, whose certificates need no pin (trust on first use only). */
        private final X509ExtendedTrustManager system;

        Pinned(URI server, String expected, ServerTrust firstUse, X509ExtendedTrustManager system) {
            this.server = server;
            this.expected = expected;
            this.firstUse = firstUse;
            this.system = system;
        }

        /** Whether a CA this JDK trusts signed the certificate for the host reached (so a renewal needs no new pin). */
        private boolean signedByKnownCa(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) {
            if (system == null) {
                return false;
            }
            try {
                if (socket != null) {
                    system.checkServerTrusted(chain, authType, socket);
                } else if (engine != null) {
                    system.checkServerTrusted(chain, authType, engine);
                } else {
                    system.checkServerTrusted(chain, authType);
                }
                return true;
            } catch (CertificateException e) {
                return false;
            }
        }

        @Override
        protected void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException {
            String pinned = expected;
            if (signedByKnownCa(chain, authType, socket, engine)) {
                if (pinned == null) {
                    // Met with a CA's certificate: from now on only a CA's is taken (a renewal needs no new pin).
                    pin(firstUse.file, hostPort(server), SIGNED_BY_CA);
                    expected = SIGNED_BY_CA;
                }
                return;
            }
            String presented = ServerCertificateCheck.sha256(chain[0]);
            if (SIGNED_BY_CA.equals(pinned)) {
                throw new CertificateChangedException("the coordinator at " + server + " presented a certificate no "
                        + "known CA signed for it (SHA-256 " + display(presented) + "), but it had one a CA signed "
                        + "(as " + firstUse.file + " notes): something between you and it may be answering in its "
                        + "place, and nothing was sent. If its operator says it now serves its own certificate, pin "
                        + "it (corral: --fingerprint " + presented + ")");
            }
            if (pinned == null && firstUse != null) {
                pin(firstUse.file, hostPort(server), presented);
                expected = presented;
                firstUse.notices.accept("trusting the coordinator at " + server + " on first use: its certificate's "
                        + "SHA-256 is " + display(presented) + " (pinned in " + firstUse.file + "); it should be the "
                        + "one 'corral server' printed when it started");
                return;
            }
            if (!presented.equals(pinned)) {
                String where = firstUse != null ? " pinned in " + firstUse.file : " given";
                throw new CertificateChangedException("the coordinator at " + server + " presented a certificate with "
                        + "SHA-256 " + display(presented) + ", but the one" + where + " is " + display(pinned) + ". "
                        + "Either its certificate was replaced or something between you and it is answering in its "
                        + "place: nothing was sent. Ask its operator for the fingerprint 'corral server' printed; if "
                        + "it is the new one, pin it (corral: --fingerprint " + presented + ")"
                        + (firstUse != null ? " or delete the line for " + hostPort(server) + " from " + firstUse.file
                                : ""));
            }
        }
    }
}

package dev.corral.server.tls;

import java.nio.file.Path;

/**
 * How the coordinator serves: HTTPS with a certificate it makes at its first start (kept in its
 * data directory), HTTPS with certificate and key files it is given (PEM: a CA's, or an
 * operator's own), or plain HTTP, which only an explicit choice gets (loopback tests and
 * benchmarks: agents take only the certificate the coordinator itself serves, so a proxy that
 * terminates TLS in front of it does not work for them).
 *
 * @param certificateFile PEM certificate chain, the coordinator's own first (files only)
 * @param keyFile PEM private key of the first certificate (files only)
 */
public record TlsSettings(Mode mode, Path certificateFile, Path keyFile) {
    public enum Mode { SELF_MADE, FILES, PLAIN_HTTP }

    public static final TlsSettings SELF_MADE = new TlsSettings(Mode.SELF_MADE, null, null);
    public static final TlsSettings PLAIN_HTTP = new TlsSettings(Mode.PLAIN_HTTP, null, null);

    public TlsSettings {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null");
        }
        if ((mode == Mode.FILES) != (certificateFile != null && keyFile != null)) {
            throw new IllegalArgumentException("a certificate file and a key file go together, with the FILES mode only");
        }
    }

    public static TlsSettings files(Path certificateFile, Path keyFile) {
        return new TlsSettings(Mode.FILES, certificateFile, keyFile);
    }
}

package dev.corral.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import dev.corral.core.auth.ServerCertificateCheck;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.IPAddress;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The certificate and key the coordinator serves HTTPS with: one it made itself at its first
 * start (ECDSA P-256, self-signed, kept as PEM in its data directory so that it stays the same
 * across restarts and an operator can read it with openssl), or files it was given.
 */
public final class CoordinatorCertificate {
    public static final String CERTIFICATE_FILE = "tls.crt";
    public static final String KEY_FILE = "tls.key";
    /** How long a made certificate is valid: clients pin it (or its CA file is this very certificate). */
    static final Duration SELF_MADE_VALIDITY = Duration.ofDays(3650);
    /** The password of the in-memory key store handed to Jetty; it never reaches a file. */
    private static final char[] STORE_PASSWORD = "corral-in-memory".toCharArray();

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private CoordinatorCertificate(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /** The certificate to serve as these settings say: empty for plain HTTP. */
    public static Optional<CoordinatorCertificate> of(TlsSettings settings, Path dataDirectory, String bindHost) {
        return switch (settings.mode()) {
            case PLAIN_HTTP -> Optional.empty();
            case FILES -> Optional.of(load(settings.certificateFile(), settings.keyFile()));
            case SELF_MADE -> Optional.of(loadOrMake(dataDirectory, bindHost));
        };
    }

    /** The certificate in the data directory, made there first if there is none. */
    static CoordinatorCertificate loadOrMake(Path directory, String bindHost) {
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            return load(certificateFile, keyFile);
        }
        CoordinatorCertificate made = make(bindHost);
        made.save(certificateFile, keyFile);
        return made;
    }

    /** A PEM certificate chain and its key; a clear message for anything else. */
    static CoordinatorCertificate load(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try {
            for (Object item : pemItems(certificateFile)) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
            for (Object item : pemItems(keyFile)) {
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (item instanceof PEMKeyPair pair) {
                    key = converter.getKeyPair(pair).getPrivate();
                } else if (item instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot read the TLS certificate " + certificateFile + " and key " + keyFile
                    + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificateFile + " holds no PEM certificate");
        }
        if (key == null) {
            throw new IllegalArgumentException(keyFile + " holds no unencrypted PEM private key");
        }
        return new CoordinatorCertificate(chain, key);
    }

    private static List<Object> pemItems(Path file) throws IOException {
        List<Object> items = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                items.add(item);
            }
        }
        return items;
    }

    /** A new self-signed certificate for this machine: localhost, its name, its loopback addresses and the bound host. */
    static CoordinatorCertificate make(String bindHost) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=corral coordinator");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(SELF_MADE_VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                    names(bindHost).toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new CoordinatorCertificate(List.of(certificate), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a TLS certificate: " + e.getMessage(), e);
        }
    }

    private static List<GeneralName> names(String bindHost) {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            hosts.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // A machine without a name for itself: its addresses still serve.
        }
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            hosts.add(bindHost);
        }
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(new GeneralName(IPAddress.isValid(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return names;
    }

    private void save(Path certificateFile, Path keyFile) {
        try {
            Files.createDirectories(certificateFile.toAbsolutePath().getParent());
            Path temp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            writePem(temp, key);
            Path certificateTemp = certificateFile.resolveSibling(certificateFile.getFileName() + ".tmp");
            writePem(certificateTemp, chain.getFirst());
            Files.move(certificateTemp, certificateFile, StandardCopyOption.ATOMIC_MOVE);
            Files.move(temp, keyFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the TLS certificate in " + certificateFile.getParent(), e);
        }
    }

    private static void writePem(Path file, Object item) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(item);
        }
    }

    /** Lower-case hex SHA-256 of the served certificate's DER bytes (what `openssl x509 -fingerprint -sha256` shows). */
    public String sha256() {
        try {
            return ServerCertificateCheck.sha256(chain.getFirst());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate and key as a key store in memory, for Jetty. */
    KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("coordinator", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the TLS key in memory: " + e.getMessage(), e);
        }
    }

    /**
     * A connector serving HTTPS with this certificate on the host and port. No SNI is required
     * and the Host header is not matched against the certificate: agents and pinned clients
     * reach the coordinator at whatever address it has, and check the certificate itself.
     */
    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore());
        ssl.setKeyStorePassword(new String(STORE_PASSWORD));
        ssl.setSniRequired(false);
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}

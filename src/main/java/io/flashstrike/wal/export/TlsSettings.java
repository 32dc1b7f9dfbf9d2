package io.flashstrike.wal.export;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tls_server_config}, read once: the certificate chain and key (PEM, parsed by Bouncy
 * Castle's {@code PEMParser}, converted to JDK keys without installing a provider JVM-wide), the
 * client CAs, the protocol range and the client-certificate policy, as one {@link SSLContext}.
 * Certificates are not re-read while serving (exporter-toolkit re-reads them per handshake):
 * restart to rotate them.
 */
final class TlsSettings {
    /**
     * exporter-toolkit's {@code client_auth_type}, as Go's {@code tls.ClientAuthType}: whether a
     * certificate is asked for, required, and verified against {@code client_ca_file}. The two
     * that do not verify accept any certificate: they authenticate no one.
     */
    enum ClientAuth {
        NONE("NoClientCert", false, false, false),
        REQUEST("RequestClientCert", true, false, false),
        REQUIRE_ANY("RequireAnyClientCert", true, true, false),
        VERIFY_IF_GIVEN("VerifyClientCertIfGiven", true, false, true),
        REQUIRE_AND_VERIFY("RequireAndVerifyClientCert", true, true, true);

        final String yaml;
        final boolean asks;
        final boolean requires;
        final boolean verifies;

        ClientAuth(String yaml, boolean asks, boolean requires, boolean verifies) {
            this.yaml = yaml;
            this.asks = asks;
            this.requires = requires;
            this.verifies = verifies;
        }
    }

    /**
     * Refused unless an operator names them in {@code cipher_suites}: no forward secrecy
     * ({@code TLS_RSA_*}), finite-field DHE (slow, and weak groups in the wild), CBC with SHA-1
     * MACs, and everything the JDK already refuses by default.
     */
    private static final String[] WEAK_SUITES = {"^TLS_RSA_.*$", "^TLS_DHE_.*$", "^.*_CBC_SHA$", "^.*_(MD5|SHA1)$",
        "^SSL_.*$", "^.*_NULL_.*$", "^.*_anon_.*$", "^.*_EXPORT_.*$", "^.*_RC4_.*$", "^.*_3DES_.*$"};

    private static final List<String> VERSIONS = List.of("TLS12", "TLS13");
    private static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private final SSLContext context;
    private final ClientAuth clientAuth;
    private final String[] protocols;
    private final List<String> cipherSuites;
    private final boolean preferServerCipherSuites;

    private TlsSettings(SSLContext context, ClientAuth clientAuth, String[] protocols, List<String> cipherSuites,
                        boolean preferServerCipherSuites) {
        this.context = context;
        this.clientAuth = clientAuth;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.preferServerCipherSuites = preferServerCipherSuites;
    }

    static TlsSettings load(Path file, Path dir, Map<String, Object> f) throws WebConfig.Invalid {
        String certFile = (String) f.get("cert_file");
        String keyFile = (String) f.get("key_file");
        if (certFile == null || certFile.isEmpty() || keyFile == null || keyFile.isEmpty()) {
            throw new WebConfig.Invalid(file, "tls_server_config needs both cert_file and key_file");
        }
        ClientAuth auth = clientAuth(file, (String) f.getOrDefault("client_auth_type", "NoClientCert"));
        String caFile = (String) f.get("client_ca_file");
        if (caFile != null && !auth.verifies) {
            throw new WebConfig.Invalid(file, "client_ca_file is set but client_auth_type " + auth.yaml
                    + " verifies no certificate: set client_auth_type: RequireAndVerifyClientCert");
        }
        if (caFile == null && auth.verifies) {
            throw new WebConfig.Invalid(file, "client_auth_type " + auth.yaml + " needs client_ca_file, the CAs a client certificate must chain to");
        }
        int min = version(file, "min_version", (String) f.getOrDefault("min_version", "TLS12"));
        int max = version(file, "max_version", (String) f.getOrDefault("max_version", "TLS13"));
        if (min > max) {
            throw new WebConfig.Invalid(file, "min_version " + VERSIONS.get(min) + " is above max_version " + VERSIONS.get(max));
        }
        Path cert = dir.resolve(certFile);
        Path key = dir.resolve(keyFile);
        List<X509Certificate> chain = certificates(file, "cert_file", cert);
        PrivateKey privateKey = privateKey(file, key);
        checkPair(file, chain.get(0), privateKey, cert, key);
        try {
            char[] pass = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, pass);
            keys.setKeyEntry("server", privateKey, pass, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            TrustManagerFactory tmf = null;
            if (caFile != null) {
                KeyStore cas = KeyStore.getInstance("PKCS12");
                cas.load(null, pass);
                int i = 0;
                for (X509Certificate ca : certificates(file, "client_ca_file", dir.resolve(caFile))) {
                    cas.setCertificateEntry("ca-" + i++, ca);
                }
                tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(cas);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            javax.net.ssl.TrustManager[] trust = tmf != null ? tmf.getTrustManagers()
                    : auth.asks ? new javax.net.ssl.TrustManager[] {new AnyClientCertificate()} : null;
            context.init(kmf.getKeyManagers(), trust, new SecureRandom());
            List<String> suites = cipherSuites(file, f.get("cipher_suites"), context);
            Object prefer = f.getOrDefault("prefer_server_cipher_suites", Boolean.TRUE);
            if (!(prefer instanceof Boolean preferServer)) {
                throw new WebConfig.Invalid(file, "tls_server_config.prefer_server_cipher_suites must be true or false");
            }
            return new TlsSettings(context, auth, PROTOCOLS.subList(min, max + 1).toArray(new String[0]), suites, preferServer);
        } catch (GeneralSecurityException | IOException e) {
            throw new WebConfig.Invalid(file, "cannot set up TLS: " + WebConfig.oneLine(e));
        }
    }

    private static ClientAuth clientAuth(Path file, String value) throws WebConfig.Invalid {
        for (ClientAuth a : ClientAuth.values()) {
            if (a.yaml.equals(value)) {
                return a;
            }
        }
        throw new WebConfig.Invalid(file, "client_auth_type '" + value + "' is not one of NoClientCert, RequestClientCert, "
                + "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert");
    }

    /**
     * exporter-toolkit's {@code cipher_suites}: Go's names, which are the IANA names the JDK uses,
     * but for Go's short ChaCha20 aliases. Like Go, they choose among TLS 1.2 suites; TLS 1.3's
     * are always on. Empty when not set: the JDK's defaults less {@link #WEAK_SUITES}.
     */
    private static List<String> cipherSuites(Path file, Object node, SSLContext context) throws WebConfig.Invalid {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> names) || names.isEmpty()) {
            throw new WebConfig.Invalid(file, "tls_server_config.cipher_suites must be a non-empty list of suite names");
        }
        List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
        List<String> suites = new ArrayList<>();
        for (Object n : names) {
            String name = String.valueOf(n);
            String jsse = name.endsWith("_CHACHA20_POLY1305") ? name + "_SHA256" : name;
            if (!supported.contains(jsse) || jsse.startsWith("TLS_AES_") || jsse.startsWith("TLS_CHACHA20_")) {
                throw new WebConfig.Invalid(file, "tls_server_config.cipher_suites: '" + name
                        + "' is not a TLS 1.2 cipher suite this JDK offers (TLS 1.3 suites are always on, as in Go)");
            }
            suites.add(jsse);
        }
        for (String s : supported) {
            if (s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")) {
                suites.add(s);
            }
        }
        return List.copyOf(suites);
    }

    /** For RequestClientCert and RequireAnyClientCert: any certificate, as Go accepts it unverified. */
    private static final class AnyClientCertificate extends javax.net.ssl.X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server's trust manager checks no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server's trust manager checks no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server's trust manager checks no servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static int version(Path file, String field, String value) throws WebConfig.Invalid {
        int i = VERSIONS.indexOf(value);
        if (i < 0) {
            throw new WebConfig.Invalid(file, field + " '" + value + "' is not one of TLS12, TLS13"
                    + (value.equals("TLS10") || value.equals("TLS11") ? " (the JDK disables TLS 1.0 and 1.1)" : ""));
        }
        return i;
    }

    private static List<X509Certificate> certificates(Path file, String field, Path pem) throws WebConfig.Invalid {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    certs.add(converter.getCertificate(h));
                }
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
            throw new WebConfig.Invalid(file, field + " " + pem + ": cannot read: " + WebConfig.ioProblem(e));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new WebConfig.Invalid(file, field + " " + pem + ": cannot read a PEM certificate: " + WebConfig.oneLine(e));
        }
        if (certs.isEmpty()) {
            throw new WebConfig.Invalid(file, field + " " + pem + ": no PEM CERTIFICATE in it");
        }
        return certs;
    }

    private static PrivateKey privateKey(Path file, Path pem) throws WebConfig.Invalid {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) { // PKCS#8 "PRIVATE KEY"
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) { // PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY"
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new WebConfig.Invalid(file, "key_file " + pem + " is encrypted; exporter-toolkit reads unencrypted keys only");
                }
                // "EC PARAMETERS" (openssl ecparam -genkey) and certificates may precede the key
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
            throw new WebConfig.Invalid(file, "key_file " + pem + ": cannot read: " + WebConfig.ioProblem(e));
        } catch (IOException | RuntimeException e) {
            throw new WebConfig.Invalid(file, "key_file " + pem + ": cannot read a PEM private key: " + WebConfig.oneLine(e));
        }
        throw new WebConfig.Invalid(file, "key_file " + pem + ": no PEM private key in it");
    }

    /** A key that does not match its certificate would only fail at the first handshake; fail now. */
    private static void checkPair(Path file, X509Certificate leaf, PrivateKey key, Path cert, Path keyPath) throws WebConfig.Invalid {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            throw new WebConfig.Invalid(file, "key_file " + keyPath + ": " + key.getAlgorithm() + " keys are not supported (RSA, EC or Ed25519)");
        }
        try {
            byte[] probe = "flashstrike-wal key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(leaf.getPublicKey());
            v.update(probe);
            if (v.verify(sig)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of one type and a certificate of another: reported below
        }
        throw new WebConfig.Invalid(file, "key_file " + keyPath + " does not match the first certificate of cert_file " + cert);
    }


    ClientAuth clientAuth() {
        return clientAuth;
    }

    /**
     * Jetty's TLS for one server: our {@link SSLContext}, the protocol range, the client-certificate
     * policy, and no renegotiation (a client could otherwise make the server redo the handshake's
     * public-key work on one connection for ever).
     */
    SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setSslContext(context);
        f.setIncludeProtocols(protocols.clone());
        f.setRenegotiationAllowed(false);
        if (cipherSuites.isEmpty()) {
            f.setExcludeCipherSuites(WEAK_SUITES);
        } else {
            f.setExcludeCipherSuites(); // the operator's list is the list, as in exporter-toolkit
            f.setIncludeCipherSuites(cipherSuites.toArray(new String[0]));
        }
        f.setUseCipherSuitesOrder(preferServerCipherSuites);
        if (clientAuth.requires) {
            f.setNeedClientAuth(true);
        } else if (clientAuth.asks) {
            f.setWantClientAuth(true);
        }
        return f;
    }
}

package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Certificates and bcrypt hashes made by the real tools, per test, in a temporary directory:
 * {@code openssl} (a CA, a server certificate for localhost/127.0.0.1, a client certificate it
 * signed, and a stranger signed by another CA) and Apache's {@code htpasswd -nBC 10}. Required
 * under {@code CI=true} (.ci/run installs apache2-utils); skipped elsewhere when absent.
 */
public final class TestPki {
    /** The PEM forms of a private key that exporter-toolkit accepts. */
    public enum KeyFormat {
        PKCS8_RSA("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
        PKCS1_RSA("genrsa", "-traditional", "2048"),
        PKCS8_EC("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
        SEC1_EC("ecparam", "-name", "prime256v1", "-genkey");

        final String[] args;

        KeyFormat(String... args) {
            this.args = args;
        }
    }

    /** A certificate and its key, as files. */
    public record Pair(Path cert, Path key) {
    }

    public final Path dir;
    public final Path caCert;
    public final Pair server;
    public final Pair client;
    public final Pair stranger;
    private final Path caKey;

    private TestPki(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        caKey = key("ca", KeyFormat.PKCS8_RSA);
        caCert = dir.resolve("ca.crt");
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-out", caCert.toString(), "-days", "2", "-subj", "/CN=flashstrike test CA");
        server = server("server", KeyFormat.PKCS8_RSA);
        client = signed("client", KeyFormat.PKCS8_EC, "/CN=prometheus", "extendedKeyUsage=clientAuth", caCert, caKey);
        Path otherKey = key("other-ca", KeyFormat.PKCS8_RSA);
        Path otherCa = dir.resolve("other-ca.crt");
        openssl("req", "-x509", "-new", "-key", otherKey.toString(), "-out", otherCa.toString(), "-days", "2", "-subj", "/CN=someone else's CA");
        stranger = signed("stranger", KeyFormat.PKCS8_EC, "/CN=prometheus", "extendedKeyUsage=clientAuth", otherCa, otherKey);
    }

    public static TestPki create(Path dir) throws Exception {
        require("/usr/bin/openssl", "openssl");
        return new TestPki(dir);
    }

    /** A server certificate for localhost and 127.0.0.1, with its key in {@code format}. */
    public Pair server(String name, KeyFormat format) throws Exception {
        return signed(name, format, "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth",
                caCert, caKey);
    }

    private Pair signed(String name, KeyFormat format, String subject, String ext, Path ca, Path caKey) throws Exception {
        Path key = key(name, format);
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        Path extFile = dir.resolve(name + ".ext");
        Files.writeString(extFile, ext + "\n");
        openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                "-days", "2", "-extfile", extFile.toString(), "-out", cert.toString());
        return new Pair(cert, key);
    }

    private Path key(String name, KeyFormat format) throws Exception {
        Path key = dir.resolve(name + ".key");
        List<String> cmd = new ArrayList<>(List.of(format.args));
        cmd.add("-out");
        cmd.add(key.toString());
        if (format == KeyFormat.PKCS1_RSA) { // genrsa takes the size last
            cmd.remove("2048");
            cmd.add("2048");
        }
        openssl(cmd.toArray(new String[0]));
        return key;
    }

    /** @return a client-side TLS context that trusts this CA alone */
    public javax.net.ssl.SSLContext trustingCa() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(caCert)) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** @return a bcrypt hash of {@code password} as {@code htpasswd -nBC 10} prints it */
    public static String htpasswd(String user, String password) throws Exception {
        require("/usr/bin/htpasswd", "apache2-utils");
        String line = run(List.of("/usr/bin/htpasswd", "-nbBC", "10", user, password)).strip();
        assertTrue(line.startsWith(user + ":$2y$10$"), line);
        return line.substring(user.length() + 1);
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/openssl");
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("timed out: " + cmd);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(cmd + " failed: " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private static void require(String binary, String pkg) {
        if (!Files.isExecutable(Path.of(binary))) {
            assertTrue(!"true".equals(System.getenv("CI")), binary + " is not installed; .ci/run installs " + pkg);
            assumeTrue(false, binary + " not installed (apt-get install " + pkg + ")");
        }
    }
}

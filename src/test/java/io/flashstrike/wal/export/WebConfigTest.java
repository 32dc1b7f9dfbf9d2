package io.flashstrike.wal.export;

import io.flashstrike.wal.testsupport.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web configuration file: what it accepts, and one line naming the file for what it does not. */
class WebConfigTest {
    @TempDir
    static Path tmp;
    static TestPki pki;
    static String hash;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(tmp.resolve("pki"));
        hash = TestPki.htpasswd("prometheus", "correct horse");
    }

    private static Path write(String name, String yaml) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private static String tls(TestPki.Pair p) {
        return "tls_server_config:\n  cert_file: " + p.cert() + "\n  key_file: " + p.key() + "\n";
    }

    private static String invalid(Path file) {
        WebConfig.Invalid e = assertThrows(WebConfig.Invalid.class, () -> WebConfig.load(file));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage().substring(file.toString().length() + 2);
    }

    @Test
    void readsEveryKeyFormatExporterToolkitReads() throws Exception {
        for (TestPki.KeyFormat f : TestPki.KeyFormat.values()) {
            TestPki.Pair p = pki.server("server-" + f.name().toLowerCase(), f);
            assertTrue(Files.readString(p.key()).contains(switch (f) {
                case PKCS8_RSA, PKCS8_EC -> "BEGIN PRIVATE KEY";
                case PKCS1_RSA -> "BEGIN RSA PRIVATE KEY";
                case SEC1_EC -> "BEGIN EC PRIVATE KEY";
            }), f.name());
            WebConfig web = WebConfig.load(write("tls-" + f + ".yml", tls(p)));
            assertTrue(web.tls(), f.name());
            assertFalse(web.basicAuth());
        }
    }

    @Test
    void pathsAreRelativeToTheFileAndClientCertsNeedTheirCa() throws Exception {
        Path dir = pki.dir;
        Path f = dir.resolve("web.yml");
        Files.writeString(f, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  min_version: TLS13\n");
        WebConfig web = WebConfig.load(f);
        assertTrue(web.requiresClientCertificate());
        assertTrue(web.exposureWarning("0.0.0.0").isEmpty(), "TLS with client certificates needs no warning");
    }

    @Test
    void realHtpasswdHashesVerifyAndNothingSecretIsPrinted() throws Exception {
        WebConfig web = WebConfig.load(write("users.yml", "basic_auth_users:\n  prometheus: " + hash + "\n"));
        assertTrue(web.basicAuth());
        BasicAuthUsers users = web.users();
        assertEquals(BasicAuthUsers.Check.PROVEN, users.check(basic("prometheus", "correct horse"), "127.0.0.1"));
        assertEquals(BasicAuthUsers.Check.PROVEN, users.check(basic("prometheus", "correct horse"), "127.0.0.1"), "the cached success");
        assertEquals(BasicAuthUsers.Check.REFUSED, users.check(basic("prometheus", "correct horsf"), "127.0.0.1"));
        assertEquals(BasicAuthUsers.Check.REFUSED, users.check(basic("grafana", "correct horse"), "127.0.0.1"));
        assertEquals(BasicAuthUsers.Check.REFUSED, users.check(null, "127.0.0.1"));
        assertEquals(BasicAuthUsers.Check.REFUSED, users.check("Bearer abc", "127.0.0.1"));
        assertEquals(BasicAuthUsers.Check.REFUSED, users.check("Basic !!!", "127.0.0.1"));
        String shown = web + " " + users;
        assertFalse(shown.contains(hash) || shown.contains("$2y$"), shown);
        assertTrue(shown.contains("prometheus"), shown);
        // A hash from another htpasswd cost verifies too: the cost is read from the hash.
        assertTrue(web.exposureWarning("0.0.0.0").orElseThrow().contains("in the clear"));
        assertTrue(web.exposureWarning("127.0.0.1").isEmpty());
        assertTrue(WebConfig.NONE.exposureWarning("0.0.0.0").orElseThrow().contains("without TLS or basic auth"));
        assertEquals(1, WebConfig.NONE.exposureWarning("0.0.0.0").orElseThrow().lines().count());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void badFilesFailWithOneLineNamingTheFileAndTheProblem() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("tls_server_config:\n  cert_file: " + pki.server.cert() + "\n", "tls_server_config needs both cert_file and key_file");
        cases.put("tls_server_config:\n  cert_file: " + pki.server.cert() + "\n  key_file: " + tmp.resolve("absent.key") + "\n",
                "key_file " + tmp.resolve("absent.key") + ": cannot read: no such file");
        cases.put("tls_server_config: [\n", "not valid YAML");
        cases.put("basic_auth_users:\n  prometheus: secret\n", "basic_auth_users.prometheus is not a bcrypt hash");
        cases.put("basic_auth_users:\n  prometheus: " + hash.replace("$2y$", "$1$") + "\n", "is not a bcrypt hash");
        cases.put("tls_server_confg:\n  cert_file: a\n", "unknown field tls_server_confg");
        cases.put(tls(pki.server) + "  client_auth: x\n", "unknown field tls_server_config.client_auth");
        cases.put(tls(pki.server) + "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n", "'TLS_AES_128_GCM_SHA256' is not a TLS 1.2 cipher suite");
        cases.put(tls(pki.server) + "  cipher_suites: [TLS_NOT_A_SUITE]\n", "'TLS_NOT_A_SUITE' is not a TLS 1.2 cipher suite");
        cases.put(tls(pki.server) + "  cipher_suites: []\n", "cipher_suites must be a non-empty list");
        cases.put(tls(pki.server) + "  prefer_server_cipher_suites: maybe\n", "prefer_server_cipher_suites must be true or false");
        cases.put(tls(pki.server) + "  curve_preferences: [X25519]\n", "field tls_server_config.curve_preferences is not supported");
        cases.put("http_server_config:\n  http2: true\n", "field http_server_config.http2 is not supported");
        cases.put("http_server_config:\n  header: {}\n", "unknown field http_server_config.header");
        cases.put("http_server_config:\n  headers:\n    Content-Length: '0'\n", "Content-Length is set by the server itself");
        cases.put("http_server_config:\n  headers:\n    'Bad Name': x\n", "'Bad Name' is not a header name");
        cases.put("http_server_config:\n  headers:\n    X-A: \"a\\r\\nX-B: b\"\n", "http_server_config.headers.X-A must be one line");
        cases.put(tls(pki.server) + "  min_version: TLS11\n", "min_version 'TLS11' is not one of TLS12, TLS13");
        cases.put(tls(pki.server) + "  client_ca_file: " + pki.caCert + "\n", "client_ca_file is set but client_auth_type NoClientCert verifies no certificate");
        cases.put(tls(pki.server) + "  client_auth_type: VerifyClientCertIfGiven\n", "needs client_ca_file");
        cases.put(tls(pki.server) + "  client_auth_type: Sometimes\n", "is not one of NoClientCert, RequestClientCert, RequireAnyClientCert");
        cases.put(tls(pki.server) + "  client_auth_type: RequireAndVerifyClientCert\n", "needs client_ca_file");
        cases.put(tls(pki.server) + "  client_auth_type: RequireAnyClientCert\n  client_ca_file: " + pki.caCert + "\n", "verifies no certificate");
        cases.put("tls_server_config:\n  cert_file: " + pki.server.cert() + "\n  key_file: " + pki.client.key() + "\n",
                "does not match the first certificate of cert_file");
        cases.put("tls_server_config:\n  cert_file: " + pki.server.key() + "\n  key_file: " + pki.server.key() + "\n", "no PEM CERTIFICATE in it");
        cases.put("basic_auth_users:\n  a: " + hash + "\n  a: " + hash + "\n", "not valid YAML");
        cases.put("- just\n- a list\n", "the file must be a mapping");
        cases.put("basic_auth_users: {}\n", "basic_auth_users is empty: add a user");
        cases.put("basic_auth_users:\n  prometheus: " + hash.substring(0, 4) + "15" + hash.substring(6) + "\n",
                "basic_auth_users.prometheus: bcrypt cost 15 is outside 4-14");
        cases.put("basic_auth_users: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n", "not valid YAML: nested too deeply");
        int i = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String problem = invalid(write("bad-" + i++ + ".yml", c.getKey()));
            assertTrue(problem.contains(c.getValue()), c.getValue() + " <- " + problem);
            assertFalse(problem.contains(hash.substring(7)), "never the hash: " + problem);
        }
        Path garbage = write("garbage.crt", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        String unreadable = invalid(write("bad-cert.yml", "tls_server_config:\n  cert_file: " + garbage + "\n  key_file: " + pki.server.key() + "\n"));
        assertTrue(unreadable.startsWith("cert_file " + garbage + ": cannot read a PEM certificate"), unreadable);
        assertEquals("cannot read: no such file", invalid(tmp.resolve("missing.yml")));
    }
}

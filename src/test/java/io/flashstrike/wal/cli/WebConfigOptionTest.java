package io.flashstrike.wal.cli;

import io.flashstrike.wal.testsupport.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.flashstrike.wal.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --web-config-file: one option of the serving mixin, the same on recover, demo and stream. */
class WebConfigOptionTest {
    @Test
    void aBadFileIsOneLineAndExit2BeforeAnyWorkOnEveryCommandThatServes(@TempDir Path tmp) throws Exception {
        Path wal = Files.createDirectories(tmp.resolve("wal"));
        Path bad = tmp.resolve("web.yml");
        Files.writeString(bad, "basic_auth_users:\n  prometheus: not-a-hash\n");
        String[][] commands = {
                {"recover", "--dir", wal.toString(), "--no-jfr"},
                {"demo", "--segments", "2", "--segment-size", "64KiB", "--no-jfr"},
                {"stream", "--repository", tmp.toString()},
        };
        for (String[] c : commands) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(c),
                    java.util.stream.Stream.of("--metrics-port", "0", "--web-config-file", bad.toString())).toArray(String[]::new);
            CliTest.Run r = run(args);
            assertEquals(ExitCodes.USAGE, r.exit(), c[0] + ": " + r.err());
            assertEquals("flashstrike-wal: --web-config-file " + bad + ": basic_auth_users.prometheus is not a bcrypt hash"
                    + " ($2y$10$ and 53 characters, as htpasswd -nBC 10 prints)", r.err().strip(), c[0]);
            assertFalse(r.out().contains("Recovery summary") || r.out().contains("metrics:"), c[0] + " did no work: " + r.out());
        }
        CliTest.Run missing = run("recover", "--dir", wal.toString(), "--web-config-file", tmp.resolve("nope.yml").toString());
        assertEquals(ExitCodes.USAGE, missing.exit());
        assertEquals("flashstrike-wal: --web-config-file " + tmp.resolve("nope.yml") + ": cannot read: no such file", missing.err().strip());
    }

    @Test
    void aGoodFileServesHttpsOnRecover(@TempDir Path tmp) throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("pki"));
        Path web = tmp.resolve("web.yml");
        Files.writeString(web, "tls_server_config:\n  cert_file: pki/server.crt\n  key_file: pki/server.key\n");
        Path wal = Files.createDirectories(tmp.resolve("wal"));
        CliTest.Run r = run("recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "0",
                "--web-config-file", web.toString(), "--allow-empty");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("metrics: https://127.0.0.1:"), r.out());
        assertEquals("", r.err().strip(), "no warning on loopback");
    }
}

package io.flashstrike.wal.export;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Serving plain /metrics needs client_java and our classes only: SnakeYAML and Bouncy Castle are
 * for a web configuration file, and a library user who serves without one must not need them
 * (the JVM's verifier loads exception types named in a catch, so one stray reference would).
 */
class PlainServingDependenciesTest {
    /** The child's program: serve, scrape once over loopback, print the status. */
    public static final class ServePlain {
        public static void main(String[] args) throws Exception {
            try (MetricsHttpServer s = MetricsHttpServer.start("127.0.0.1", 0, c -> { })) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.url()))
                        .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.println("status " + r.statusCode());
            }
        }
    }

    @Test
    void plainMetricsNeedNeitherSnakeYamlNorBouncyCastle(@TempDir Path tmp) throws Exception {
        List<String> cp = new ArrayList<>(List.of(Path.of("target", "classes").toString(), Path.of("target", "test-classes").toString()));
        for (Class<?> c : new Class<?>[] {io.prometheus.metrics.exporter.common.PrometheusScrapeHandler.class,
                io.prometheus.metrics.expositionformats.ExpositionFormats.class,
                io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.class,
                io.prometheus.metrics.model.registry.PrometheusRegistry.class,
                io.prometheus.metrics.config.PrometheusProperties.class,
                org.eclipse.jetty.server.Server.class, org.eclipse.jetty.http.HttpParser.class, org.eclipse.jetty.io.EndPoint.class,
                org.eclipse.jetty.util.Fields.class, org.slf4j.LoggerFactory.class, org.slf4j.nop.NOPServiceProvider.class}) {
            String jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (!cp.contains(jar)) {
                cp.add(jar);
            }
        }
        assertFalse(String.join(" ", cp).contains("snakeyaml") || String.join(" ", cp).contains("bouncycastle"), cp.toString());
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), ServePlain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("status 200"), out);
            // Jetty logs through SLF4J, which would print "No SLF4J providers were found" without slf4j-nop
            assertEquals("status 200", out.strip(), "nothing but the child's own line: " + out);
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

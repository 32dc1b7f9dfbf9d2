package io.flashstrike.wal.cli;

import io.flashstrike.wal.testsupport.Jdk25;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A library writes no warning into its host's stderr: {@code recover} and {@code report} from the
 * distribution, on JDK 25 (no {@code sun.misc.Unsafe} warning: the multi-release jar's JDK 22
 * classes unmap through an Arena; no JMC parser warning about the thread type's {@code virtual}
 * field) and on the JDK running the tests. Stdout may say WARNING: it is a rule's severity there.
 */
class StderrCleanIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @BeforeAll
    static void jar() {
        PackagedCli.requireJar();
    }

    @Test
    void theLibraryAndTheAgentAreMultiReleaseWithTheJdk22Mapping() throws Exception {
        for (Path p : List.of(PackagedCli.LIBRARY_JAR, PackagedCli.AGENT_JAR)) {
            try (JarFile jar = new JarFile(p.toFile())) {
                assertEquals("true", jar.getManifest().getMainAttributes().getValue("Multi-Release"), p.toString());
                assertNotNull(jar.getEntry("META-INF/versions/22/io/flashstrike/wal/segment/Mapper.class"),
                        p + ": the java22-* profiles of the pom compile src/main/java22");
            }
        }
    }

    @Test
    void recoverAndReportOnJdk25() throws Exception {
        Path java = Jdk25.java();
        Path jfr = recoverAndReport(java, "jdk25");
        // The same JDK 25 recording, read by the JDK running the tests: the parser is the same.
        stderrClean(run(PackagedCli.java(), "report-by-this-jdk", "report", jfr.toString()));
    }

    @Test
    void recoverAndReportOnThisJdk() throws Exception {
        recoverAndReport(PackagedCli.java(), "this-jdk");
    }

    /** The sidecar and the JVM it follows (started by JVM flags, as in production), both on JDK 25. */
    @Test
    void streamAndItsProducerOnJdk25() throws Exception {
        Path java = Jdk25.java();
        Path wal = tmp.resolve("stream-wal");
        stderrClean(run(java, "stream-generate", "generate", "--dir", wal.toString(), "--segments", "3", "--segment-size", "64KiB"));
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        String flags = "-XX:StartFlightRecording:settings=" + PackagedCli.ROOT.resolve("jfc/flashstrike-wal.jfc")
                + " -XX:FlightRecorderOptions:repository=" + repo;
        Process producer = start(java, flags, "producer", "recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0",
                "--metrics-port", "0", "--linger", "4");
        try {
            Run stream = run(java, "stream", "stream", "--repository", repo.toString(), "--pid", Long.toString(producer.pid()),
                    "--metrics-port", "-1", "--dump-interval", "0");
            stderrClean(stream);
            assertTrue(stream.stdout().contains("following repository"), stream.stdout());
            Processes.Result p = Processes.await(producer, tmp.resolve("producer.out"), LIMIT, "the producer");
            stderrClean(new Run("the producer", p.exit(), p.output(), Files.readString(tmp.resolve("producer.err"))));
        } finally {
            Processes.destroy(producer);
        }
    }

    private Path recoverAndReport(Path java, String name) throws Exception {
        Path wal = tmp.resolve(name + "-wal");
        Path jfr = tmp.resolve(name + ".jfr");
        Run g = run(java, name + "-generate", "generate", "--dir", wal.toString(), "--segments", "3",
                "--segment-size", "64KiB");
        stderrClean(g);
        Run r = run(java, name + "-recover", "recover", "--dir", wal.toString(), "--jfr", jfr.toString(),
                "--metrics-port", "-1", "--dump-interval", "0");
        stderrClean(r);
        assertTrue(r.stdout().contains("3 replayed of 3"), r.stdout());
        stderrClean(run(java, name + "-report", "report", jfr.toString()));
        return jfr;
    }

    private static void stderrClean(Run r) {
        assertEquals(0, r.exit(), r.what() + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
        List<String> warnings = r.stderr().lines().filter(l -> l.contains("WARNING")).toList();
        assertTrue(warnings.isEmpty(), r.what() + " wrote warnings on stderr:\n" + r.stderr());
    }

    /** One run's exit code, stdout and stderr, apart. */
    private record Run(String what, int exit, String stdout, String stderr) {
    }

    /** The distribution's bin/flashstrike-wal with {@code JAVA_HOME} the JDK of {@code java}, to its end. */
    private Run run(Path java, String name, String... args) throws Exception {
        Process p = start(java, "", name, args);
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Processes.Result r = Processes.await(p, out, LIMIT, String.join(" ", args));
        return new Run(java + " " + String.join(" ", args), r.exit(), r.output(), Files.readString(err));
    }

    /** Starts it with {@code JAVA_OPTS=javaOpts}, stdout in NAME.out and stderr in NAME.err. */
    private Process start(Path java, String javaOpts, String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PackagedCli.launcher().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
                .redirectOutput(tmp.resolve(name + ".out").toFile()).redirectError(tmp.resolve(name + ".err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", java.getParent().getParent().toString());
        pb.environment().put("JAVA_OPTS", javaOpts);
        return pb.start();
    }
}

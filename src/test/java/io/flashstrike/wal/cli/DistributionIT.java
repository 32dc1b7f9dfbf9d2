package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * target/flashstrike-wal-VERSION.tar.gz as a user on a server meets it: copied alone into an empty
 * directory, unpacked by tar, run from another directory through a symlink, with a JDK and no
 * Maven ({@code mvn} on PATH is a stub that fails the test if anything calls it) and no source tree.
 * Every command runs: --version, generate, recover, report, stream, attach. (That they write no
 * warning on stderr, on JDK 17 and 25, is {@link StderrCleanIT}'s, through the same launcher.)
 */
class DistributionIT {

    @TempDir
    Path tmp;
    private Path launcher;
    private Path work;
    private Path mavenCalled;
    private Path home;

    @BeforeAll
    static void archive() {
        PackagedCli.requireJar();
    }

    private void unpack() throws Exception {
        Path server = Files.createDirectories(tmp.resolve("srv"));
        Path archive = Files.copy(PackagedCli.ARCHIVE, server.resolve(PackagedCli.ARCHIVE.getFileName()));
        Processes.Result tar = exec(server, Map.of(), "tar", "-xzf", archive.toString());
        assertEquals(0, tar.exit(), tar.output());
        home = server.resolve("flashstrike-wal-" + BuildInfo.VERSION);
        for (String expected : List.of("bin/flashstrike-wal", "flashstrike-wal-agent.jar", "flashstrike-wal-jmc-plugin.jar",
                "jfc/flashstrike-wal.jfc", "monitoring/alerts.yml", "README.md", "LICENSE", "CHANGELOG.md",
                "systemd/flashstrike-wal-stream.service", "lib/flashstrike-wal-telemetry-" + BuildInfo.VERSION + ".jar")) {
            assertTrue(Files.exists(home.resolve(expected)), expected + " in the distribution");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/flashstrike-wal")));
        Path bin = Files.createDirectories(tmp.resolve("usr/local/bin"));
        launcher = Files.createSymbolicLink(bin.resolve("flashstrike-wal"), home.resolve("bin/flashstrike-wal"));
        Path stubs = Files.createDirectories(tmp.resolve("stubs"));
        mavenCalled = tmp.resolve("mvn-was-called");
        Path mvn = Files.writeString(stubs.resolve("mvn"), "#!/bin/sh\necho called > '" + mavenCalled + "'\nexit 97\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        work = Files.createDirectories(tmp.resolve("work"));
    }

    /** PATH: the Maven stub first, then this JDK's bin (the launcher's `java`), then the system's. */
    private Map<String, String> env(String javaOpts) {
        String path = tmp.resolve("stubs") + File.pathSeparator + PackagedCli.java().getParent() + File.pathSeparator + "/usr/bin:/bin";
        return javaOpts == null ? Map.of("PATH", path) : Map.of("PATH", path, "JAVA_OPTS", javaOpts);
    }

    private Processes.Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return exec(work, env(null), cmd.toArray(String[]::new));
    }

    private Processes.Result exec(Path dir, Map<String, String> env, String... cmd) throws Exception {
        return Processes.run(List.of(cmd), dir, e -> {
            e.remove("JAVA_HOME");
            e.remove("JAVA_OPTS");
            e.putAll(env);
        }, Files.createTempFile(tmp, "run-", ".log"), Duration.ofSeconds(120));
    }

    @Test
    void unpackedAloneEveryCommandRunsWithAJdkAndNoMaven() throws Exception {
        unpack();
        Processes.Result version = cli("--version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("flashstrike-wal " + BuildInfo.VERSION + " on Java " + Runtime.version() + " "),
                version.output());
        Processes.Result recoverVersion = cli("recover", "--version");
        assertEquals(version.output(), recoverVersion.output(), "every command's --version");

        Processes.Result g = cli("generate", "--dir", "wal", "--segments", "3", "--segment-size", "128KiB");
        assertEquals(0, g.exit(), g.output());
        Processes.Result r = cli("recover", "--dir", "wal", "--jfr", "r.jfr", "--dump-interval", "0", "--metrics-port", "-1");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("segments        : 3 replayed of 3"), r.output());
        Processes.Result report = cli("report", "r.jfr", "--format", "csv");
        assertEquals(0, report.exit(), report.output());
        assertTrue(report.output().lines().anyMatch(l -> l.startsWith("flashstrike.wal.PreloadSegment,3,0,")), report.output());

        // A JVM to follow and attach to: recover with the shipped .jfc by JVM flags, lingering on /metrics.
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        String flags = "-XX:StartFlightRecording:settings=" + home.resolve("jfc/flashstrike-wal.jfc")
                + " -XX:FlightRecorderOptions:repository=" + repo
                + (Runtime.version().feature() >= 21 ? " -XX:+EnableDynamicAgentLoading" : "");
        Path producerLog = tmp.resolve("producer.log");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "recover", "--dir", "wal", "--no-jfr", "--dump-interval", "0",
                "--metrics-port", "0", "--linger", "60").directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(producerLog.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env(flags));
        Process producer = pb.start();
        try {
            ChildJvm.awaitOutput(producerLog, "metrics: http://127.0.0.1:", Duration.ofSeconds(60));
            Processes.Result stream = cli("stream", "--repository", repo.toString(), "--pid", Long.toString(producer.pid()),
                    "--duration", "2", "--metrics-port", "-1", "--dump-interval", "0");
            assertEquals(0, stream.exit(), stream.output());
            assertTrue(stream.output().contains("following repository"), stream.output());
            Processes.Result attach = cli("attach", "--pid", Long.toString(producer.pid()), "--port", "0");
            assertEquals(0, attach.exit(), attach.output());
            String url = attach.output().strip();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/metrics"), attach.output());
            String served = Exposition.scrape(url);
            assertTrue(served.contains("flashstrike_wal_build_info{jdk=\"" + Runtime.version() + "\",version=\"" + BuildInfo.VERSION + "\"} 1.0"),
                    served);
        } finally {
            Processes.destroy(producer);
        }
        assertFalse(Files.exists(mavenCalled), "a command called mvn");
        try (var left = Files.list(work)) {
            assertEquals(List.of("r.jfr", "wal"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "what the commands left in the working directory");
        }
    }

    @Test
    void javaHomeIsPreferredAndAMissingJavaIsOneLine() throws Exception {
        unpack();
        // A PATH with the launcher's tools (ls, sed, dirname) and no java.
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("ls", "sed", "dirname")) {
            Path real = Files.exists(Path.of("/usr/bin", tool)) ? Path.of("/usr/bin", tool) : Path.of("/bin", tool);
            Files.createSymbolicLink(tools.resolve(tool), real);
        }
        Map<String, String> noJava = Map.of("PATH", tmp.resolve("stubs") + File.pathSeparator + tools);
        Processes.Result none = exec(work, noJava, "/bin/sh", launcher.toString(), "--version");
        assertEquals(1, none.exit(), none.output());
        assertEquals("flashstrike-wal: no java: set JAVA_HOME or put a JDK 17 or newer on PATH", none.output().strip());
        Processes.Result viaHome = exec(work, Map.of("PATH", noJava.get("PATH"), "JAVA_HOME", System.getProperty("java.home")),
                "/bin/sh", launcher.toString(), "--version");
        assertEquals(0, viaHome.exit(), viaHome.output());
        assertTrue(viaHome.output().contains(System.getProperty("java.home")), viaHome.output());
        Processes.Result badHome = exec(work, Map.of("PATH", noJava.get("PATH"), "JAVA_HOME", "/nonexistent/jdk"),
                "/bin/sh", launcher.toString(), "--version");
        assertEquals(1, badHome.exit(), badHome.output());
        assertTrue(badHome.output().startsWith("flashstrike-wal: JAVA_HOME is set to '/nonexistent/jdk'"), badHome.output());
    }
}

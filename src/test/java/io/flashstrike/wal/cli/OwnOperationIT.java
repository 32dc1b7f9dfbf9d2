package io.flashstrike.wal.cli;

import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's "Your own operation" block, verbatim, as a user pastes it: compiled by the JDK's javac
 * and run by {@code java}, each with the library jar alone on the class path (copied into an empty
 * directory), once as is and once under a recording that the JDK's {@code jfr} tool then reads.
 */
class OwnOperationIT {
    private static final Pattern BLOCK = Pattern.compile("(?s)### Your own operation\n.*?```java\n(.*?)```");
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

    @TempDir
    Path tmp;

    @Test
    void theReadmeProgramCompilesAndRunsOnTheLibraryJarAlone() throws Exception {
        PackagedCli.requireJar();
        Matcher m = BLOCK.matcher(Files.readString(PackagedCli.ROOT.resolve("README.md")));
        assertTrue(m.find(), "README's \"Your own operation\" block");
        Path jar = Files.copy(PackagedCli.LIBRARY_JAR, tmp.resolve("flashstrike-wal-telemetry.jar"));
        Path src = Files.writeString(tmp.resolve("CacheFetch.java"), m.group(1));
        Path classes = Files.createDirectories(tmp.resolve("classes"));

        Processes.Result javac = Processes.run(List.of(JAVA_HOME.resolve("bin/javac").toString(), "-cp", jar.toString(),
                "-d", classes.toString(), src.toString()), tmp, env -> { }, tmp.resolve("javac.log"), Duration.ofMinutes(2));
        assertEquals(0, javac.exit(), javac.output());

        String cp = jar + File.pathSeparator + classes;
        Processes.Result run = Processes.run(List.of(JAVA_HOME.resolve("bin/java").toString(), "-cp", cp, "CacheFetch"), tmp,
                env -> { }, tmp.resolve("run.log"), Duration.ofMinutes(1));
        assertEquals(0, run.exit(), run.output());
        String out = run.output();
        assertTrue(out.contains("[cache Metrics] Snapshot:\n"), out);
        assertTrue(Pattern.compile("\n Cache fetch: [0-9.]+ ms \\| count 6 \\| failures 1 \\|").matcher(out).find(), out);
        for (String series : List.of(
                "example_cache_fetch_total{subsystem=\"cache\",outcome=\"success\",status=\"MISS\"} 3.0",
                "example_cache_fetch_total{subsystem=\"cache\",outcome=\"success\",status=\"HIT\"} 2.0",
                "example_cache_fetch_total{subsystem=\"cache\",outcome=\"failure\",status=\"TIMEOUT\"} 1.0",
                "example_cache_fetch_total{subsystem=\"cache\",outcome=\"failure\",status=\"UNKNOWN\"} 0.0",
                "example_cache_fetch_duration_seconds_count{subsystem=\"cache\"} 6.0",
                "example_jfr_errors_total{subsystem=\"cache\"} 0.0")) {
            assertTrue(out.contains("\n" + series + "\n"), series + " in:\n" + out);
        }

        Path jfr = tmp.resolve("cache.jfr");
        Processes.Result recorded = Processes.run(List.of(JAVA_HOME.resolve("bin/java").toString(),
                "-XX:StartFlightRecording:filename=" + jfr, "-cp", cp, "CacheFetch"), tmp, env -> { },
                tmp.resolve("recorded.log"), Duration.ofMinutes(1));
        assertEquals(0, recorded.exit(), recorded.output());
        Processes.Result print = Processes.run(List.of(JAVA_HOME.resolve("bin/jfr").toString(), "print", "--events",
                "example.CacheFetch", jfr.toString()), tmp, env -> { }, tmp.resolve("print.log"), Duration.ofMinutes(1));
        assertEquals(0, print.exit(), print.output());
        assertEquals(6, count(print.output(), "example.CacheFetch {"), print.output());
        assertEquals(1, count(print.output(), "status = \"TIMEOUT\""), print.output());
        assertEquals(1, count(print.output(), "key = \"key-5\""), print.output());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}

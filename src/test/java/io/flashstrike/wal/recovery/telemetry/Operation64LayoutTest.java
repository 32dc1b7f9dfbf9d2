package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The original's static_asserts, proven with JOL: hot fields alone on their cache lines, here and
 * in child JVMs with compressed oops on and off (and compact object headers on JDK 25+).
 */
class Operation64LayoutTest {

    @Test
    void layoutHoldsInThisJvm() {
        assertEquals(List.of(), LayoutCheck.violations());
    }

    @Test
    void theCheckRejectsBrokenLayouts() {
        assertEquals(List.of(), LayoutCheck.classViolations(BrokenLayouts.Sound.class));
        List<String> thin = LayoutCheck.classViolations(BrokenLayouts.ThinHead.class);
        assertTrue(thin.stream().anyMatch(s -> s.startsWith("hot fields start")), thin.toString());
        List<String> tail = LayoutCheck.classViolations(BrokenLayouts.MutableTail.class);
        assertTrue(tail.stream().anyMatch(s -> s.contains("mutable field") && s.contains("lastSeen")), tail.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseCompressedOops", "-XX:-UseCompressedOops", "-XX:-UseCompressedClassPointers"})
    void layoutHoldsWithOtherObjectLayouts(String flag) throws Exception {
        assertChildLayoutOk(flag);
    }

    @Test
    void layoutHoldsWithCompactObjectHeaders() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "compact object headers are a product flag from JDK 25");
        assertChildLayoutOk("-XX:+UseCompactObjectHeaders");
    }

    @TempDir
    Path tmp;

    private void assertChildLayoutOk(String flag) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), flag,
                "-Djol.magicFieldOffset=true", "-Djdk.attach.allowAttachSelf=true",
                "-cp", System.getProperty("java.class.path"), LayoutCheck.class.getName()));
        Processes.Result r = Processes.run(cmd, null, tmp.resolve("layout.log"), Duration.ofSeconds(60));
        assertTrue(r.output().contains("LAYOUT OK") && r.exit() == 0, flag + ":\n" + r.output());
    }
}

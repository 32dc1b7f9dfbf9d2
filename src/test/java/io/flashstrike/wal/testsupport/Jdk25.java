package io.flashstrike.wal.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * JDK 25, for the tests that run a child JVM on it whichever JDK runs the tests (.ci/run runs them
 * on 17, then on 25). Where the pom's java22-forked profile finds its javac.
 */
public final class Jdk25 {
    public static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private Jdk25() {
    }

    /** @return this JVM's launcher when it is JDK 25+, else Temurin 25's; else fails under CI=true and skips otherwise */
    public static Path java() {
        if (Runtime.version().feature() >= 25) {
            return PackagedCli.java();
        }
        Path java = TEMURIN_25.resolve("bin/java");
        if (Files.isExecutable(java)) {
            return java;
        }
        assertTrue(!"true".equals(System.getenv("CI")), java + " is missing: CI runs the JDK 25 checks on every run");
        assumeTrue(false, "no JDK 25 here (" + java + "): the JDK 25 checks are skipped");
        return null;
    }
}

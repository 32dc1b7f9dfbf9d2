package io.flashstrike.wal.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** An external tool a test needs: skipped when absent locally, a failure under {@code CI=true} (.ci/run installs it). */
final class Installed {
    private Installed() {
    }

    /** @return {@code name} on PATH; else fails under CI, skips otherwise, naming the Debian package */
    static Path require(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        boolean ci = "true".equals(System.getenv("CI"));
        assertTrue(!ci, name + " is not installed; .ci/run installs the Debian package " + debianPackage);
        assumeTrue(false, name + " not installed (apt-get install --no-install-recommends " + debianPackage + ")");
        return null;
    }
}

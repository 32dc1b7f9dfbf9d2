package io.flashstrike.wal.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which per-process directory of a parent repository a sidecar may follow, on real directories:
 * this test's own JVM stands in for a live producer, a pid no process has for an exited one.
 */
class RepositoriesTest {
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path parent;

    private Path perProcess(String stamp, long pid, boolean chunk) throws Exception {
        Path dir = Files.createDirectory(parent.resolve(stamp + "_" + pid));
        if (chunk) {
            Files.writeString(dir.resolve(stamp + ".jfr"), "FLR");
        }
        return dir;
    }

    /** A pid above Linux's pid_max (2^22) cannot belong to a process. */
    private static final long EXITED = 4_194_304L + 17;

    @Test
    void aLiveJvmsDirectoryWithAChunkIsFollowedAndThoseOfExitedJvmsArePassedOver() throws Exception {
        perProcess("2020_01_01_00_00_00", EXITED, true);
        assertEquals(Optional.empty(), Repositories.live(parent, -1), "only an exited JVM's directory: none yet, no error");
        Path probe = perProcess("2026_01_01_00_00_00", SELF, false);
        assertEquals(Optional.empty(), Repositories.live(parent, -1), "no chunk yet (JFR's probe directory): not yet");
        Files.writeString(probe.resolve("2026_01_01_00_00_00.jfr"), "FLR");
        assertEquals(Optional.of(probe), Repositories.live(parent, -1));
        assertEquals(Optional.of(probe), Repositories.live(parent, SELF));
        assertEquals(Optional.empty(), Repositories.live(parent, EXITED), "a designated pid that has exited: none");
    }

    @Test
    void aLiveProcessThatStartedAfterTheDirectoryLastChangedReusedAnExitedJvmsPid() throws Exception {
        Path dir = perProcess("2020_01_01_00_00_00", SELF, true);
        Instant started = ProcessHandle.current().info().startInstant().orElseThrow();
        Files.setLastModifiedTime(dir, FileTime.from(started.minusSeconds(3600)));
        assertEquals(Optional.empty(), Repositories.live(parent, -1), "this JVM started an hour after that directory changed");
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        assertEquals(Optional.of(dir), Repositories.live(parent, -1));
    }

    @Test
    void aParentThatIsNotThereIsTheSidecarsOwnFailure() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Repositories.live(parent.resolve("missing"), -1));
    }

    @Test
    void aDirectoryNamedForOneJvmOrHoldingChunksIsPerProcess() throws Exception {
        assertTrue(!Repositories.isPerProcess(parent));
        assertTrue(Repositories.isPerProcess(perProcess("2026_01_01_00_00_00", SELF, false)));
        Path chunks = Files.createDirectory(parent.resolve("custom"));
        Files.writeString(chunks.resolve("x.jfr"), "FLR");
        assertTrue(Repositories.isPerProcess(chunks));
    }
}

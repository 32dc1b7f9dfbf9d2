package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.segment.WalGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program that only records and dumps needs nothing but our classes: it runs in a child JVM
 * whose class path holds this project's compiled classes and no jar at all (no client_java,
 * picocli or JMC), as a library user who declares only our artifact gets (README: the tree).
 */
class DependencyFreeTest {

    /** The child's program: a real recovery with the telemetry, then the dump. */
    public static final class RecordAndDump {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            WalGenerator.into(dir).segments(3).segmentSize(64 << 10).payloadSize(100).generate();
            WalRecoveryMetrics metrics = new WalRecoveryMetrics();
            RecoveryResult r = new RecoveryManager(metrics).recover(dir, (lsn, type, payload) -> { });
            metrics.dump("wal", System.out);
            System.out.println("status " + r.status());
        }
    }

    @Test
    void recordingAndDumpingNeedOnlyOurClasses(@TempDir Path tmp) throws Exception {
        String ours = String.join(File.pathSeparator, Path.of("target", "classes").toString(),
                Path.of("target", "test-classes").toString());
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ours, RecordAndDump.class.getName(), tmp.resolve("wal").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child did not finish: " + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("[wal Segment Preloader Metrics] Snapshot:"), out);
        assertTrue(out.contains("status OK"), out);
    }
}

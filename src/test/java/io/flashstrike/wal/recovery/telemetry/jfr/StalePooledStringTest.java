package io.flashstrike.wal.recovery.telemetry.jfr;

import io.flashstrike.wal.testsupport.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JDK 17 writer-side string-pool defect (docs/DESIGN.md, "Known JDK behaviour"): a string JFR
 * pooled in an earlier recording, committed in a later one by a thread that had not committed
 * before the recording started, is written as a reference to a pool entry the new chunk does not
 * contain, so every reader (the {@code jfr} tool, JMC, our stream) gets null. Reproduced in a fresh
 * child JVM on 17.0.15 on every run; not on 25.0.3. When a JDK 17 update fixes it, this test fails
 * and the DESIGN note and {@code FaultMatrixTest}'s JDK 17 allowance go.
 */
class StalePooledStringTest {
    @Test
    void aStringPooledInAnEarlierRecordingIsLostOnJdk17Only(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.runMain(List.of(), tmp.resolve("probe.log"), StalePoolProbe.class.getName(), tmp.toString());
        assertEquals(0, r.exit(), r.output());
        if (Runtime.version().feature() == 17) {
            assertTrue(r.output().contains("statuses [null], string in file: false"),
                    "JDK 17 no longer writes a dangling string reference: update DESIGN.md and FaultMatrixTest\n" + r.output());
        } else {
            assertTrue(r.output().contains("statuses [CHECKSUM_MISMATCH], string in file: true"), r.output());
        }
    }
}

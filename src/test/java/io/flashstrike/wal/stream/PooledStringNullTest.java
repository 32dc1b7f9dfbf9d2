package io.flashstrike.wal.stream;

import io.flashstrike.wal.testsupport.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * JDK-8382242: event metadata arriving mid-stream makes the parser resolve pooled strings of
 * 17–127 characters to null. Reproduced in a fresh child JVM ({@link PooledStringProbe}) with an
 * event class first committed mid-stream, and gone when that class is described as an operation
 * before the stream starts (describing registers it, as it registers every WAL event class).
 */
class PooledStringNullTest {
    private static final String PROBE = PooledStringProbe.class.getName();

    @Test
    void withoutTheWorkaroundPooledStatusesReadBackAsNull(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.runMain(List.of(), tmp.resolve("late.log"), PROBE, "late");
        assertEquals(0, r.exit(), r.output());
        // Seen on 17.0.15 and 25.0.3; the fix is in mainline, so a later JDK may not show it.
        assumeTrue(Runtime.version().feature() <= 25 || r.output().contains("UNKNOWN=3"),
                "JDK-8382242 does not reproduce on " + Runtime.version() + ": " + r.output());
        assertTrue(r.output().contains("folded CHECKSUM_MISMATCH=3 UNKNOWN=3"),
                "the three statuses committed after the new metadata should read back as null:\n" + r.output());
    }

    @Test
    void registeringEveryEventClassFirstKeepsEveryString(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.runMain(List.of(), tmp.resolve("registered.log"), PROBE, "registered");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("folded CHECKSUM_MISMATCH=6 UNKNOWN=0"), r.output());
    }
}

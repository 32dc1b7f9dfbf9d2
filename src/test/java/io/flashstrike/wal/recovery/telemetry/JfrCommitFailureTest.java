package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.export.WalMetricsSource;

import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JFR commit that throws is counted by every updater, in its block, and exported as
 * {@code prefix_jfr_errors_total{subsystem}}; nothing escapes to the caller. The failure is real:
 * the commit path runs with a span accessor whose handles belong to another class, so the first
 * store into the event throws {@link ClassCastException} inside the updater's try block.
 */
class JfrCommitFailureTest {
    private static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    /** A class with the two long fields a span accessor stores into, but no event. */
    static final class NotAnEvent {
        long startTime;
        long duration;
    }

    @Test
    void everyUpdaterCountsACommitThatThrowsAndExportsIt() throws Exception {
        VarHandle wrong = MethodHandles.lookup().findVarHandle(NotAnEvent.class, "startTime", long.class);
        EventTiming broken = new EventTiming(wrong, wrong);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        try (Recording recording = new Recording(Configuration.create(JFC));
             SegmentPreloaderUpdater preloader = new SegmentPreloaderUpdater(metrics.segmentPreloader())) {
            recording.start();
            // A real commit first: calibration must be done with the real accessor, or the broken one
            // would make it fail for the whole JVM.
            preloader.onPreloadSegment(System.nanoTime(), Status.OK);
            assumeTrue(EventTiming.calibrated(), "JFR ticks not mappable here: spans are JFR's own, nothing to break");
            long start = System.nanoTime() - 1_000;

            preloader.commitPreload(broken, new PreloadSegmentEvent(), start, 1_000, Status.OK, 1, "/wal/1", 1, 1, null);
            preloader.commitFinish(broken, new FinishSegmentEvent(), start, 1_000, Status.OK, 1, "/wal/1", 1, null);
            assertEquals(2, metrics.segmentPreloader().jfrErrors());
            assertEquals(2, preloader.jfrErrors());

            SegmentReaderUpdater reader = new SegmentReaderUpdater(metrics.segmentReader());
            reader.commitWait(broken, new WaitForSegmentEvent(), start, 1_000, 1, false);
            reader.commitRead(broken, new ReadSegmentEvent(), start, 1_000, Status.OK, 1, "/wal/1", 1, 1, 1);
            assertEquals(2, metrics.segmentReader().jfrErrors());

            ManagerUpdater manager = new ManagerUpdater(metrics.manager());
            manager.commit(broken, new RecoveryEvent(), start, 1_000, Status.OK, "/wal", 1, 1, 1, 1, 1, 0, null,
                    "tolerate-tail", null, null, -1, -1, -1, false);
            assertEquals(1, metrics.manager().jfrErrors());
            recording.stop();
        }
        String text = WalMetricsSource.text(c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
        for (String series : new String[] {"{subsystem=\"wal_recovery_worker\"} 2.0", "{subsystem=\"wal_segment_reader\"} 2.0",
                "{subsystem=\"wal_recovery_manager\"} 1.0"}) {
            assertTrue(text.contains("\nflashstrike_wal_jfr_errors_total" + series + "\n"), series + " in:\n" + text);
        }
        assertEquals(1, text.lines().filter(l -> l.equals("# TYPE flashstrike_wal_jfr_errors_total counter")).count(), text);
    }
}

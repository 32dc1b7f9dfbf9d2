package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.export.WalMetricsSource;
import io.flashstrike.wal.recovery.telemetry.jfr.EventAccess;
import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import jdk.jfr.Configuration;
import jdk.jfr.Event;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JFR failure inside the seam every operation records through ({@link OperationType#end},
 * {@link OperationType#complete}) is counted in the operation, summed by its block and exported as
 * {@code prefix_jfr_errors_total{subsystem}}; the operation is still counted and nothing escapes
 * to the caller. The failures are real: for each WAL operation, one copy of its description
 * whose span accessors belong to another class (the first store into the event throws
 * {@link ClassCastException}), and one whose commit throws.
 */
class JfrCommitFailureTest {
    private static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    /** A class with the two long fields a span accessor stores into, but no event. */
    static final class NotAnEvent {
        long startTime;
        long duration;
    }

    static void explode(Event e) {
        throw new IllegalStateException("commit failed");
    }

    @Test
    void everyOperationCountsAJfrFailureAndItsBlockExportsIt() throws Exception {
        VarHandle wrong = MethodHandles.lookup().findVarHandle(NotAnEvent.class, "startTime", long.class);
        MethodHandle explode = MethodHandles.lookup().findStatic(JfrCommitFailureTest.class, "explode",
                MethodType.methodType(void.class, Event.class));
        List<OperationType<?, Status>> broken = new ArrayList<>();
        for (OperationType<?, Status> t : WalOperations.ALL) {
            broken.add(withAccess(t, "_span", withTiming(t.access(), new EventTiming(wrong, wrong))));
            broken.add(withAccess(t, "_commit", withCommit(t.access(), explode)));
        }
        TelemetryBlock block = new TelemetryBlock("wal_broken", broken, BlockExtras.NONE);
        try (Recording recording = new Recording(Configuration.create(JFC))) {
            recording.start();
            // A real commit first: calibration must be done with the real accessor, or the broken one
            // would make it fail for the whole JVM.
            try (SegmentPreloaderUpdater real = new SegmentPreloaderUpdater(new SegmentPreloader())) {
                real.onPreloadSegment(System.nanoTime(), Status.OK);
            }
            assumeTrue(EventTiming.calibrated(), "JFR ticks not mappable here: spans are JFR's own, nothing to break");
            for (TimedOperation<?, ?> op : block.operations()) {
                recordOnce(op);
                assertEquals(1, op.jfrErrors(), op + " counts its failure");
                assertEquals(1, op.distribution().snapshot().count(), op + " counts the operation regardless");
            }
            recording.stop();
        }
        assertEquals(2L * WalOperations.ALL.size(), block.jfrErrors());
        String text = WalMetricsSource.text(c -> block.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
        assertTrue(text.contains("\nflashstrike_wal_jfr_errors_total{subsystem=\"wal_broken\"} 10.0\n"), text);
        assertEquals(1, text.lines().filter(l -> l.equals("# TYPE flashstrike_wal_jfr_errors_total counter")).count(), text);
    }

    @Test
    void aWalBlockExportsItsOperationsErrorsUnderItsSubsystem() {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        metrics.segmentReader().read.jfrError();
        metrics.segmentReader().waitFor.jfrError();
        metrics.manager().recover.jfrError();
        String text = WalMetricsSource.text(c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
        for (String series : new String[] {"{subsystem=\"wal_recovery_worker\"} 0.0", "{subsystem=\"wal_segment_reader\"} 2.0",
                "{subsystem=\"wal_recovery_manager\"} 1.0"}) {
            assertTrue(text.contains("\nflashstrike_wal_jfr_errors_total" + series + "\n"), series + " in:\n" + text);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void recordOnce(TimedOperation op) {
        OperationType type = op.type();
        Event e = type.end(op, System.nanoTime() - 1_000);
        type.complete(op, e, Status.OK);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static OperationType<?, Status> withAccess(OperationType<?, Status> t, String suffix, EventAccess access) {
        return new OperationType<>(t.name() + suffix, t.label(), t.outcomes(), access);
    }

    private static <E extends Event> EventAccess<E> withTiming(EventAccess<E> a, EventTiming timing) {
        return new EventAccess<>(a.eventClass(), timing, a.isEnabled(), a.shouldCommit(), a.commit(), a.constructor(), a.status());
    }

    private static <E extends Event> EventAccess<E> withCommit(EventAccess<E> a, MethodHandle commit) {
        return new EventAccess<>(a.eventClass(), a.timing(), a.isEnabled(), a.shouldCommit(), commit, a.constructor(), a.status());
    }
}

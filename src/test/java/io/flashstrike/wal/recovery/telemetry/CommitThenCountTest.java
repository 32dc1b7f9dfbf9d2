package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.EventAccess;
import jdk.jfr.Configuration;
import jdk.jfr.Event;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The seam's order, for every WAL operation: the event is committed while the operation is not yet
 * counted, so whoever sees a count (a statistics snapshot, a scrape, a stream's loss account) finds
 * its event committed. Each operation's description is copied with a commit handle that looks at
 * the count at the moment of the commit and then commits for real.
 */
class CommitThenCountTest {
    private static TimedOperation<?, ?> current;
    private static final List<Long> countsAtCommit = new ArrayList<>();

    static void probe(Event e) {
        countsAtCommit.add(current.distribution().snapshot().count());
        e.commit();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyOperationCommitsItsEventBeforeItCountsIt() throws Exception {
        MethodHandle probe = MethodHandles.lookup().findStatic(CommitThenCountTest.class, "probe",
                MethodType.methodType(void.class, Event.class));
        try (Recording recording = new Recording(Configuration.create(Path.of("jfc", "flashstrike-wal.jfc")))) {
            recording.start();
            for (OperationType<?, Status> t : WalOperations.ALL) {
                EventAccess<?> a = t.access();
                OperationType probed = new OperationType<>(t.name(), t.label(), t.outcomes(), new EventAccess(a.eventClass(),
                        a.timing(), a.isEnabled(), a.shouldCommit(), probe, a.constructor(), a.status()));
                TimedOperation op = new TimedOperation<>(probed);
                current = op;
                countsAtCommit.clear();
                for (int i = 0; i < 3; i++) {
                    Event e = probed.end(op, System.nanoTime() - 1_000);
                    probed.complete(op, e, Status.OK);
                }
                assertEquals(List.of(0L, 1L, 2L), countsAtCommit, t.name() + ": the count seen by each commit");
                assertEquals(3, op.distribution().snapshot().count(), t.name());
                assertEquals(0, op.jfrErrors(), t.name());
            }
        } finally {
            current = null;
        }
    }
}

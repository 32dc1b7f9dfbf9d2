package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.export.WalMetricsSource;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer records while readers snapshot, dump and collect without pause. What must hold (see
 * {@link Operation64}'s memory-ordering contract): no exception, no field ever goes backwards, and
 * within a snapshot the fields read later reflect at least the records the earlier ones saw.
 */
class ConcurrentReadersTest {
    private static final int RECORDS = 2_000_000;
    private static final long DURATION = 1_000;

    @Test
    void readersSeeMonotonicConsistentValues() throws Exception {
        SegmentPreloader block = new SegmentPreloader();
        Operation64 op = block.preloadSegment();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        // done is set whatever the writer does, so the readers always end; every thread is a daemon,
        // so one that does not end within the join limit cannot keep the test JVM alive either.
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < RECORDS; i++) {
                    op.record(DURATION, (i % 10 == 9) ? Status.IO_ERROR : Status.OK);
                    block.finishSegment().record(DURATION, Status.OK);
                }
            } catch (Throwable t) {
                problems.add("writer threw " + t);
            } finally {
                done.set(true);
            }
        }, "writer");
        writer.setDaemon(true);

        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            int kind = r;
            readers.add(new Thread(() -> {
                Operation64.Snapshot prev = op.snapshot();
                int rounds = 0;
                try {
                    while (!done.get() || rounds < 3) {
                        Operation64.Snapshot s = op.snapshot();
                        check(prev, s, problems);
                        prev = s;
                        if (kind == 1) {
                            block.dump("reader", new StringBuilder());
                        } else if (kind == 2) {
                            WalMetricsSource.text(c -> block.collect("t", c));
                        }
                        rounds++;
                    }
                } catch (Throwable t) {
                    problems.add("reader " + kind + " threw " + t);
                }
            }, "reader-" + r));
        }
        readers.forEach(t -> t.setDaemon(true));
        readers.forEach(Thread::start);
        writer.start();
        writer.join(60_000);
        done.set(true); // a writer stuck past the limit must not keep the readers spinning
        for (Thread t : readers) {
            t.join(60_000);
        }
        assertTrue(!writer.isAlive() && readers.stream().noneMatch(Thread::isAlive), "a thread did not end within 60 s");
        assertTrue(problems.isEmpty(), String.join("\n", problems.stream().limit(20).toList()));
        Operation64.Snapshot end = op.snapshot();
        assertEquals(RECORDS, end.count());
        assertEquals(RECORDS / 10, end.failures());
        assertEquals(RECORDS * DURATION, end.totalNanos());
        assertEquals(RECORDS, end.latency().totalCount());
    }

    private static void check(Operation64.Snapshot prev, Operation64.Snapshot s, ConcurrentLinkedQueue<String> problems) {
        if (s.successes() < prev.successes() || s.failures() < prev.failures() || s.totalNanos() < prev.totalNanos()
                || s.latency().totalCount() < prev.latency().totalCount() || s.maxNanos() < prev.maxNanos()) {
            problems.add("went backwards: " + prev + " -> " + s);
        }
        // Read order: total, then buckets, then status counts.
        if (s.totalNanos() > DURATION * s.latency().totalCount() || s.latency().totalCount() > s.count()) {
            problems.add("inconsistent: total " + s.totalNanos() + ", histogram " + s.latency().totalCount() + ", count " + s.count());
        }
        // min and max are read before the counts, max first: each is unset (0) or the one value
        // recorded, and a max that shows a record implies a min that does (written before it).
        boolean maxOk = s.maxNanos() == 0 || s.maxNanos() == DURATION;
        boolean minOk = s.minNanos() == (s.maxNanos() == DURATION ? DURATION : s.minNanos()) && (s.minNanos() == 0 || s.minNanos() == DURATION);
        if (!maxOk || !minOk) {
            problems.add("torn min/max: " + s.minNanos() + "/" + s.maxNanos());
        }
    }
}

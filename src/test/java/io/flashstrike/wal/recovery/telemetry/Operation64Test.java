package io.flashstrike.wal.recovery.telemetry;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Operation64Test {

    @Test
    void emptySnapshotIsAllZero() {
        Operation64.Snapshot s = new Operation64().snapshot();
        assertEquals(0, s.successes());
        assertEquals(0, s.failures());
        assertEquals(0, s.totalNanos());
        assertEquals(0, s.minNanos());
        assertEquals(0, s.maxNanos());
        assertEquals(0, s.percentileNanos(99));
        assertEquals(0.0, s.meanNanos());
    }

    @Test
    void countsEveryStatusAndSumsDurations() {
        Operation64 op = new Operation64();
        op.record(1_000, Status.OK);
        op.record(3_000, Status.OK);
        op.record(5_000, Status.CHECKSUM_MISMATCH);
        op.record(7_000, Status.IO_ERROR);
        op.record(9_000, null);
        op.record(-50, Status.OK); // a clock step back counts as 0
        Operation64.Snapshot s = op.snapshot();
        assertEquals(3, s.successes());
        assertEquals(3, s.failures());
        assertEquals(6, s.count());
        assertEquals(1, s.count(Status.CHECKSUM_MISMATCH));
        assertEquals(1, s.count(Status.IO_ERROR));
        assertEquals(1, s.count(Status.UNKNOWN));
        assertEquals(0, s.count(Status.TRUNCATED));
        assertEquals(25_000, s.totalNanos());
        assertEquals(0, s.minNanos());
        assertEquals(9_000, s.maxNanos());
        assertEquals(6, s.latency().totalCount());
    }

    @Test
    void percentilesMatchExactOnesWithinBucketPrecision() {
        Operation64 op = new Operation64();
        SplittableRandom rnd = new SplittableRandom(7);
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            // log-uniform between 1 µs and 1 s, like real I/O latencies
            values[i] = (long) Math.pow(10, 3 + 6 * rnd.nextDouble());
            op.record(values[i], Status.OK);
        }
        Arrays.sort(values);
        Operation64.Snapshot s = op.snapshot();
        for (double p : new double[] {50, 90, 99, 99.9, 100}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long got = s.percentileNanos(p);
            assertTrue(got >= exact && got <= exact + exact / 128 + 1, "p" + p + ": " + got + " vs exact " + exact);
        }
        assertEquals(values[values.length - 1], s.percentileNanos(100));
        assertEquals(values[0], s.minNanos());
        assertThrows(IllegalArgumentException.class, () -> s.percentileNanos(100.5));
        assertThrows(IllegalArgumentException.class, () -> s.percentileNanos(Double.NaN));
    }

    @Test
    void snapshotIsImmutable() {
        Operation64 op = new Operation64();
        op.record(10, Status.OK);
        Operation64.Snapshot s = op.snapshot();
        op.record(20, Status.OK);
        assertEquals(1, s.count());
        assertThrows(UnsupportedOperationException.class, () -> s.countsByOutcome().put(Status.OK, 5L));
        assertEquals(2, op.snapshot().count());
    }
}

package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.export.SnapshotCollector;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native buckets: Prometheus' bucket definition at every schema, and the re-binning error bound stated in the class. */
class NativeBucketsTest {
    private static final double OUR_WIDTH = 1.0 / 128; // LogLinearBuckets: a bucket never wider than 1/128 of its lowest value

    @Test
    void everyValueLandsInTheBucketPrometheusDefinesAtEverySchema() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int schema = NativeBuckets.MIN_SCHEMA; schema <= NativeBuckets.MAX_SCHEMA; schema++) {
            double base = NativeBuckets.ofSchema(schema).growthFactor();
            for (int k = 0; k < 20_000; k++) {
                double v = Math.exp(rnd.nextDouble(Math.log(1e-9), Math.log(1e4)));
                int i = NativeBuckets.indexOf(v, schema);
                double upper = Math.pow(base, i);
                double lower = Math.pow(base, i - 1);
                if (Math.abs(v / upper - 1) < 1e-12 || Math.abs(v / lower - 1) < 1e-12) {
                    continue; // too close to a boundary for Math.pow to referee
                }
                assertTrue(lower < v && v <= upper, "schema " + schema + ": " + v + " in bucket " + i + " = (" + lower + ", " + upper + "]");
            }
            // Powers of two, checked exactly: from schema 0 up every one is a boundary and belongs to
            // the bucket it closes; below 0 a bucket spans 2^-schema of them.
            for (int e = -30; e <= 13; e++) {
                double v = Math.scalb(1.0, e);
                int i = NativeBuckets.indexOf(v, schema);
                if (schema >= 0) {
                    assertEquals(e << schema, i, "schema " + schema + ": 2^" + e + " closes bucket " + i);
                } else {
                    int width = 1 << -schema;
                    assertTrue(Math.scalb(1.0, (i - 1) * width) < v && v <= Math.scalb(1.0, i * width),
                            "schema " + schema + ": 2^" + e + " in bucket " + i);
                }
            }
        }
    }

    @Test
    void aDurationIsCountedNeverBelowItselfAndAtMostOneOfOurBucketsAbove() {
        Operation64 op = new Operation64();
        long[] values = new long[30_000];
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 10 ? 0 : (long) Math.exp(rnd.nextDouble(Math.log(1_000), Math.log(60e9))); // 1 µs .. 60 s, and ten zeros
            op.record(values[i], Status.OK);
        }
        Arrays.sort(values);
        for (int schema : new int[] {-2, 0, 3, 8}) {
            NativeBuckets nb = NativeBuckets.ofSchema(schema);
            NativeBuckets.Filled f = nb.fill(op.snapshot().latency());
            assertEquals(10, f.zeroCount(), "the zero durations");
            assertEquals(values.length - 10, Arrays.stream(f.counts()).sum(), "every duration counted once");
            long cumulative = f.zeroCount();
            for (int j = 0; j < f.indexes().length; j++) {
                if (j > 0) {
                    assertTrue(f.indexes()[j] > f.indexes()[j - 1], "increasing indexes");
                }
                cumulative += f.counts()[j];
                double upperNanos = Math.pow(nb.growthFactor(), f.indexes()[j]) * 1e9;
                long atOrBelow = countAtOrBelow(values, upperNanos);
                long wellBelow = countAtOrBelow(values, upperNanos / (1 + OUR_WIDTH) - 1);
                // never below itself: counted at or below the bound only if it is at or below it
                assertTrue(cumulative <= atOrBelow, "schema " + schema + " le " + upperNanos + ": " + cumulative + " > " + atOrBelow);
                // at most one bucket of ours above: everything 0.79 % under the bound is counted by it
                assertTrue(cumulative >= wellBelow, "schema " + schema + " le " + upperNanos + ": " + cumulative + " < " + wellBelow);
            }
        }
    }

    @Test
    void theCollectorAddsNativeBucketsBesideTheClassicOnesOnlyWhenAsked() {
        Operation64 op = new Operation64();
        for (long v = 1_000; v < 5_000_000_000L; v *= 3) {
            op.record(v, Status.OK);
        }
        SnapshotCollector classic = new SnapshotCollector(HistogramBounds.DEFAULT);
        op.collect("op", classic);
        HistogramDataPointSnapshot c = point(classic);
        assertFalse(c.hasNativeHistogramData(), "classic only by default");

        SnapshotCollector both = new SnapshotCollector(HistogramBounds.DEFAULT.withNative(NativeBuckets.ofSchema(3)));
        op.collect("op", both);
        HistogramDataPointSnapshot p = point(both);
        assertTrue(p.hasClassicHistogramData() && p.hasNativeHistogramData(), "both kinds");
        assertEquals(3, p.getNativeSchema());
        long nativeTotal = p.getNativeZeroCount();
        for (NativeHistogramBucket b : p.getNativeBucketsForPositiveValues()) {
            nativeTotal += b.getCount();
        }
        assertEquals(op.snapshot().count(), nativeTotal);
        assertEquals(op.snapshot().count(), p.getCount());
    }

    @Test
    void aSchemaOutsidePrometheusRangeIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBuckets.ofSchema(9));
        assertTrue(e.getMessage().contains("schema 9 is not one of Prometheus' (-4 to 8)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NativeBuckets.ofSchema(-5));
    }

    private static HistogramDataPointSnapshot point(SnapshotCollector c) {
        return c.snapshots().stream().filter(s -> s instanceof HistogramSnapshot).map(s -> (HistogramSnapshot) s)
                .findFirst().orElseThrow().getDataPoints().get(0);
    }

    private static long countAtOrBelow(long[] sorted, double bound) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= bound) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

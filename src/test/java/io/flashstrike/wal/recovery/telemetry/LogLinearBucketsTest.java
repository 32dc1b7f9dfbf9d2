package io.flashstrike.wal.recovery.telemetry;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLinearBucketsTest {

    @Test
    void smallValuesHaveABucketEach() {
        for (long v = 0; v < 256; v++) {
            int i = LogLinearBuckets.indexOf(v);
            assertEquals(v, i);
            assertEquals(v, LogLinearBuckets.lowestValue(i));
            assertEquals(v, LogLinearBuckets.highestValue(i));
        }
    }

    @Test
    void bucketsTileTheWholeRangeWithoutGapsOrOverlaps() {
        assertEquals(0, LogLinearBuckets.lowestValue(0));
        for (int i = 1; i < LogLinearBuckets.BUCKET_COUNT; i++) {
            assertEquals(LogLinearBuckets.highestValue(i - 1) + 1, LogLinearBuckets.lowestValue(i), "bucket " + i);
            assertEquals(i, LogLinearBuckets.indexOf(LogLinearBuckets.lowestValue(i)));
            assertEquals(i, LogLinearBuckets.indexOf(LogLinearBuckets.highestValue(i)));
        }
        assertEquals(Long.MAX_VALUE, LogLinearBuckets.highestValue(LogLinearBuckets.BUCKET_COUNT - 1));
        assertEquals(7296, LogLinearBuckets.BUCKET_COUNT);
    }

    @Test
    void relativeErrorIsBoundedBy1Over128() {
        SplittableRandom rnd = new SplittableRandom(42);
        double worst = 0;
        for (int n = 0; n < 1_000_000; n++) {
            long v = rnd.nextLong(Long.MAX_VALUE) >>> rnd.nextInt(63);
            int i = LogLinearBuckets.indexOf(v);
            long lo = LogLinearBuckets.lowestValue(i);
            long hi = LogLinearBuckets.highestValue(i);
            assertTrue(lo <= v && v <= hi, v + " outside [" + lo + ", " + hi + "]");
            if (v > 0) {
                worst = Math.max(worst, (double) (hi - v) / v);
            }
        }
        assertTrue(worst <= 1.0 / 128, "worst relative error " + worst);
    }
}

package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EventTiming}'s calibration outcomes with made-up clocks (the fit is a pure function of
 * its two samples), the class without span fields, and the outcome on this JVM.
 */
class EventTimingTest {

    @Test
    void aTickClockThatIsNanoTimePlusAConstantIsExact() {
        EventTiming.Fit f = EventTiming.Fit.of(new long[] {1_000_000, 1_004_000}, new long[] {1_201_000, 1_205_000});
        assertEquals(EventTiming.EXACT, f.mode());
        assertEquals(4_000, f.offset());
        // within 0.1 % still counts as slope 1 (the two brackets are a few ns wide each)
        assertEquals(EventTiming.EXACT, EventTiming.Fit.of(new long[] {0, 10}, new long[] {200_000, 200_150}).mode());
    }

    @Test
    void anotherStableRateIsLinear() {
        EventTiming.Fit tsc = EventTiming.Fit.of(new long[] {1_000_000, 5_000_000}, new long[] {1_200_000, 5_500_000});
        assertEquals(EventTiming.LINEAR, tsc.mode());
        assertEquals(2.5, tsc.ticksPerNano(), 1e-12);
        assertEquals(EventTiming.LINEAR, EventTiming.Fit.of(new long[] {0, 10}, new long[] {200_000, 200_400}).mode(),
                "0.2 % off slope 1 is a different clock");
    }

    @Test
    void noTicksOrNoSaneSlopeFails() {
        long[] a = {1_000_000, 7};
        assertEquals(EventTiming.FAILED, EventTiming.Fit.of(new long[] {1_000_000, 0}, new long[] {1_200_000, 0}).mode(),
                "begin() set no start time");
        assertEquals(EventTiming.FAILED, EventTiming.Fit.of(a, new long[] {1_200_000, 7}).mode(), "ticks did not advance");
        assertEquals(EventTiming.FAILED, EventTiming.Fit.of(a, new long[] {1_200_000, 3}).mode(), "ticks went backwards");
        assertEquals(EventTiming.FAILED, EventTiming.Fit.of(a, new long[] {1_000_000, 9}).mode(), "no time between samples");
    }

    @Test
    void aClassWithoutSpanFieldsLetsJfrTimeTheEventAndCalibratesNothing() {
        EventTiming none = new EventTiming(null, null);
        WaitForSegmentEvent e = new WaitForSegmentEvent();
        assertFalse(none.setSpan(e, System.nanoTime(), 1_000));
        none.spanOrBegin(e, System.nanoTime(), 1_000); // falls back to begin(), does not throw
    }

    @Test
    void thisJvmCalibratesToAMappedClock() {
        EventTiming timing = EventTiming.of(WaitForSegmentEvent.class);
        try (Recording r = new Recording()) {
            r.enable(WaitForSegmentEvent.NAME);
            r.start();
            WaitForSegmentEvent e = new WaitForSegmentEvent();
            assertTrue(e.isEnabled());
            assertTrue(timing.setSpan(e, System.nanoTime() - 1_000, 1_000), "the span is ours on Linux, JDK 17 and 25");
            r.stop();
        }
        assertTrue(EventTiming.calibrated());
    }
}

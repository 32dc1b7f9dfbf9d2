package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The aggregates of one {@code SegmentPreloader} block, emitted periodically. */
@Name(SegmentPreloaderStatisticsEvent.NAME)
@Label("Segment Preloader Statistics")
@Category({"Flashstrike", "WAL Recovery"})
@Description("Cumulative preload and finish counters of one segment preloader telemetry block")
@StackTrace(false)
@Period("1 s")
@Enabled(false) // periodic: only in recordings that ask for it (jfc/flashstrike-wal.jfc does)
public final class SegmentPreloaderStatisticsEvent extends Event {
    public static final String NAME = "flashstrike.wal.SegmentPreloaderStatistics";

    @Label("Block")
    @Description("Identity of the telemetry block within this JVM")
    public long blockId;

    @Label("Preload Successes")
    public long preloadSuccesses;

    @Label("Preload Failures")
    public long preloadFailures;

    @Label("Preload Total Time")
    @Timespan(Timespan.NANOSECONDS)
    public long preloadTotal;

    @Label("Preload P99")
    @Timespan(Timespan.NANOSECONDS)
    public long preloadP99;

    @Label("Preload Max")
    @Timespan(Timespan.NANOSECONDS)
    public long preloadMax;

    @Label("Finish Successes")
    public long finishSuccesses;

    @Label("Finish Failures")
    public long finishFailures;

    @Label("Finish Total Time")
    @Timespan(Timespan.NANOSECONDS)
    public long finishTotal;

    @Label("Finish P99")
    @Timespan(Timespan.NANOSECONDS)
    public long finishP99;

    @Label("Finish Max")
    @Timespan(Timespan.NANOSECONDS)
    public long finishMax;
}

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

/**
 * The totals of one operation of one telemetry block: what a stream compares with what it folded
 * to say how many operations it never saw. Emitted periodically for every block in the JVM's
 * telemetry registry — finished ones too, for as long as the registry keeps them, so a stream
 * started after a recovery still learns what it missed — and for any block whose owner opened its
 * statistics. One event per operation, so any block's operations (the WAL's, an application's
 * own) report the same way.
 */
@Name(OperationStatisticsEvent.NAME)
@Label("Operation Statistics")
@Category({"Flashstrike", "WAL Recovery"})
@Description("Cumulative counters of one timed operation of one telemetry block")
@StackTrace(false)
@Period("1 s")
@Enabled(false) // periodic: only in recordings that ask for it (jfc/flashstrike-wal.jfc does)
public final class OperationStatisticsEvent extends Event {
    public static final String NAME = "flashstrike.wal.OperationStatistics";

    @Label("Block")
    @Description("Identity of the telemetry block within this JVM")
    public long blockId;

    @Label("Subsystem")
    @Description("The block's subsystem label")
    public String subsystem;

    @Label("Operation")
    @Description("The operation's metric name, e.g. preload_segment")
    public String operation;

    @Label("Labels")
    @Description("The labels of the block's registration, name=value joined by commas (empty: none or not registered)")
    public String labels;

    @Label("Finished")
    @Description("Whether the block's owner is done: its totals no longer change")
    public boolean finished;

    @Label("Successes")
    public long successes;

    @Label("Failures")
    public long failures;

    @Label("Total Time")
    @Timespan(Timespan.NANOSECONDS)
    public long total;

    @Label("P99")
    @Timespan(Timespan.NANOSECONDS)
    public long p99;

    @Label("Max")
    @Timespan(Timespan.NANOSECONDS)
    public long max;
}

package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One segment finish: the exhausted segment unmapped and closed, off the replay thread. */
@Name(FinishSegmentEvent.NAME)
@Label("Finish Segment")
@Category({"Flashstrike", "WAL Recovery"})
@Description("An exhausted WAL segment closed and unmapped off the replay thread")
@StackTrace(false)
public final class FinishSegmentEvent extends Event {
    public static final String NAME = "flashstrike.wal.FinishSegment";

    @Label("Segment Id")
    @Description("Id of the segment, from its file name; -1 when not known")
    public long segmentId;

    @Label("Path")
    @Description("Segment file")
    public String path;

    @Label("Bytes")
    @Description("Bytes released")
    @DataAmount
    public long bytes;

    @Label("Status")
    @Description("Outcome: OK or the failure kind")
    public String status;

    @Label("Detail")
    @Description("What failed, empty on success")
    public String detail;
}

package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One segment preload: open, map and full verification, ahead of replay. */
@Name(PreloadSegmentEvent.NAME)
@Label("Preload Segment")
@Category({"Flashstrike", "WAL Recovery"})
@Description("A WAL segment opened, mapped and fully verified ahead of replay")
@StackTrace(false)
public final class PreloadSegmentEvent extends Event {
    public static final String NAME = "flashstrike.wal.PreloadSegment";

    @Label("Segment Id")
    @Description("Id of the segment, from its file name; -1 when not known")
    public long segmentId;

    @Label("Path")
    @Description("Segment file")
    public String path;

    @Label("Bytes")
    @Description("Bytes mapped and verified")
    @DataAmount
    public long bytes;

    @Label("Records")
    @Description("Valid records found in the segment")
    public long records;

    @Label("Status")
    @Description("Outcome: OK or the failure kind")
    public String status;

    @Label("Detail")
    @Description("What failed and where, empty on success")
    public String detail;
}

package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The replay thread read one preloaded segment's records and delivered them to the consumer. */
@Name(ReadSegmentEvent.NAME)
@Label("Read Segment")
@Category({"Flashstrike", "WAL Recovery"})
@Description("The replay thread read and delivered the records of one preloaded segment")
@StackTrace(false)
public final class ReadSegmentEvent extends Event {
    public static final String NAME = "flashstrike.wal.ReadSegment";

    @Label("Segment Id")
    public long segmentId;

    @Label("Path")
    public String path;

    @Label("Records")
    @Description("Records delivered from this segment")
    public long records;

    @Label("Bytes")
    @Description("Bytes of records delivered from this segment")
    @DataAmount
    public long bytes;

    @Label("Last LSN")
    @Description("LSN of the last record delivered from this segment; -1 when none")
    public long lastLsn;

    @Label("Status")
    @Description("Outcome: OK or the failure kind")
    public String status;
}

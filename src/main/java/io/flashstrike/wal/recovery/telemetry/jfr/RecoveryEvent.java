package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One recovery run, from listing the directory to the last record delivered. */
@Name(RecoveryEvent.NAME)
@Label("WAL Recovery")
@Category({"Flashstrike", "WAL Recovery"})
@Description("One recovery run: every segment replayed in order into the consumer")
@StackTrace(false)
public final class RecoveryEvent extends Event {
    public static final String NAME = "flashstrike.wal.Recovery";

    @Label("Directory")
    public String directory;

    @Label("Segments Found")
    @Description("Segment files found in the directory")
    public long segmentsFound;

    @Label("Segments Replayed")
    @Description("Segments whose records were delivered in this run")
    public long segmentsReplayed;

    @Label("Records")
    @Description("Records delivered")
    public long records;

    @Label("Bytes")
    @Description("Bytes of records delivered")
    @DataAmount
    public long bytes;

    @Label("Last Valid LSN")
    @Description("LSN of the last record delivered; -1 when none")
    public long lastValidLsn;

    @Label("Dropped Bytes")
    @Description("Bytes after the last valid record that recovery did not deliver")
    @DataAmount
    public long droppedBytes;

    @Label("Status")
    @Description("Outcome: OK or the failure kind")
    public String status;

    @Label("Detail")
    @Description("The error (file, segment id, offset, LSN) or how the log ended")
    public String detail;

    @Label("Mode")
    @Description("Recovery mode: strict, tolerate-tail or point-in-time")
    public String mode;

    @Label("Reason")
    @Description("Why recovery stopped: a segment anomaly, MISSING_SEGMENT, IO_ERROR, MAP_FAULT or CONSUMER; empty when the log ended cleanly")
    public String reason;

    @Label("Action")
    @Description("What recovery did about the anomaly: failed, stopped or tolerated")
    public String action;

    @Label("Failure Segment Id")
    @Description("Segment where recovery stopped; -1 when it did not")
    public long failureSegmentId;

    @Label("Failure Offset")
    @Description("Byte offset in that segment; -1 when not known")
    public long failureOffset;

    @Label("Failure LSN")
    @Description("LSN expected at the failure (last valid + 1); -1 when not known")
    public long failureLsn;

    @Label("Repaired")
    @Description("Whether --repair changed files")
    public boolean repaired;
}

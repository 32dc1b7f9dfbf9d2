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
}

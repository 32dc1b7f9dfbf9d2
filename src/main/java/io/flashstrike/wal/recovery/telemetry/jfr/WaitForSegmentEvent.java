package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The replay thread blocked on the preloader: the span is the time replay could not progress. */
@Name(WaitForSegmentEvent.NAME)
@Label("Wait For Segment")
@Category({"Flashstrike", "WAL Recovery"})
@Description("The replay thread blocked waiting for the preloader to hand over the next segment")
@StackTrace(false)
public final class WaitForSegmentEvent extends Event {
    public static final String NAME = "flashstrike.wal.WaitForSegment";

    @Label("Segment Id")
    @Description("Segment handed over at the end of the wait; -1 when none came")
    public long segmentId;

    @Label("Pipeline Fill")
    @Description("The first hand-over of a recovery run: waiting for the pipeline to fill, not the preloader falling behind")
    public boolean fill;
}

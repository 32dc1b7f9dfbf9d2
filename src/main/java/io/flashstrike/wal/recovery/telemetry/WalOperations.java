package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WalEvents;

import java.util.List;

/**
 * The WAL recovery's timed operations, each described once, and which block holds which. A new
 * WAL operation is its event class, one description here (and its place in a block's list), the
 * updater method that records it, and its line in {@code jfc/flashstrike-wal.jfc}; registration,
 * the stream's folding, the exposition, the dump and the report's list follow from here.
 */
public final class WalOperations {
    /** Open, map and fully verify one segment, ahead of replay (the preloader worker). */
    public static final OperationType<PreloadSegmentEvent, Status> PRELOAD_SEGMENT =
            OperationType.of("preload_segment", PreloadSegmentEvent.class, Status.OUTCOMES).withExemplar("segmentId");
    /** Close and unmap one exhausted segment, off the replay thread (the preloader worker). */
    public static final OperationType<FinishSegmentEvent, Status> FINISH_SEGMENT =
            OperationType.of("finish_segment", FinishSegmentEvent.class, Status.OUTCOMES).withExemplar("segmentId");
    /** Replay blocked until the preloader handed over the next segment (the replay thread). */
    public static final OperationType<WaitForSegmentEvent, Status> WAIT_FOR_SEGMENT =
            OperationType.of("wait_for_segment", WaitForSegmentEvent.class, Status.OUTCOMES).withExemplar("segmentId");
    /** Read one preloaded segment and deliver its records (the replay thread). */
    public static final OperationType<ReadSegmentEvent, Status> READ_SEGMENT =
            OperationType.of("read_segment", ReadSegmentEvent.class, Status.OUTCOMES).withExemplar("segmentId");
    /** One recovery run (the thread that runs it). */
    public static final OperationType<RecoveryEvent, Status> RECOVER =
            OperationType.of("recover", RecoveryEvent.class, Status.OUTCOMES).labelled("Recover");

    /** {@link SegmentPreloader}'s operations. */
    static final List<OperationType<?, Status>> PRELOADER = List.of(PRELOAD_SEGMENT, FINISH_SEGMENT);
    /** {@link SegmentReader}'s operations. */
    static final List<OperationType<?, Status>> READER = List.of(WAIT_FOR_SEGMENT, READ_SEGMENT);
    /** {@link Manager}'s operations. */
    static final List<OperationType<?, Status>> MANAGER = List.of(RECOVER);

    /** Every WAL operation, in the order the report lists them: the run, then a segment's way through it. */
    public static final List<OperationType<?, Status>> ALL =
            List.of(RECOVER, PRELOAD_SEGMENT, WAIT_FOR_SEGMENT, READ_SEGMENT, FINISH_SEGMENT);

    static {
        WalEvents.register(SegmentPreloaderStatisticsEvent.class);
        WalEvents.register(OperationStatisticsEvent.class);
    }

    private WalOperations() {
    }

    /**
     * Registers every WAL event class with JFR (loading this class does it; this says so at the
     * call site): call before any recording or stream starts (JDK-8382242, see {@link WalEvents}).
     */
    public static void register() {
        // the static initialisers of this class did the work
    }
}

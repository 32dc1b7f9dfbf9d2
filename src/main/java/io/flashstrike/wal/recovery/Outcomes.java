package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.segment.Reason;

/**
 * Where the segment format meets telemetry: a verification's {@link Reason} as the coarse
 * {@link Status} the operations report. Here, in recovery, so that the format knows nothing of
 * telemetry and the telemetry core nothing of the format. A reason added to the format does not
 * compile until it is given its status here.
 */
public final class Outcomes {
    private Outcomes() {
    }

    /** @return the status telemetry reports for a segment that failed (or passed) for {@code reason} */
    public static Status status(Reason reason) {
        return switch (reason) {
            case NONE -> Status.OK;
            case TRUNCATED_FILE, ZERO_HEADER, TORN_RECORD -> Status.TRUNCATED;
            case BAD_MAGIC, BAD_VERSION, BAD_SEGMENT_SIZE, WRONG_SEGMENT_ID -> Status.BAD_HEADER;
            case BAD_HEADER_CRC, CHAIN_BROKEN, RECORD_CRC -> Status.CHECKSUM_MISMATCH;
            case BASE_LSN_GAP, LSN_GAP -> Status.OUT_OF_SEQUENCE;
            case BAD_LENGTH, LENGTH_PAST_END, BAD_TYPE, DATA_AFTER_END -> Status.CORRUPT_RECORD;
        };
    }
}

package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.SegmentReaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.segment.SegmentCursor;
import io.flashstrike.wal.segment.SegmentLayout;

import java.nio.ByteBuffer;

/**
 * The replay thread's segment reader: walks the verified prefix of a preloaded segment and
 * delivers each record to the consumer, without re-checking CRCs (the preloader did) and without
 * any file I/O. Its telemetry block is {@code recovery.telemetry.SegmentReader}; the record loop
 * carries no telemetry call, only local counts published once per segment.
 */
final class ReplayReader {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SegmentCursor cursor = new SegmentCursor();
    private final SegmentReaderUpdater updater;
    private long records;
    private long bytes;
    private long lastLsn = -1;

    ReplayReader(SegmentReaderUpdater updater) {
        this.updater = updater;
    }

    /**
     * Delivers the valid records of {@code segment}; drops every view of its mapping before returning.
     *
     * @return {@code true} when the segment was read (it was mapped and verified, even if it failed later)
     */
    boolean replay(PreloadedSegment segment, RecordConsumer consumer) throws Exception {
        ByteBuffer mapped = segment.records();
        if (mapped == null || segment.verification == null) {
            return false;
        }
        long start = System.nanoTime();
        long n = 0;
        long b = 0;
        long last = -1;
        Status status = Status.UNKNOWN; // stays so only if the consumer throws
        try {
            cursor.reset(mapped, segment.verification);
            while (cursor.next()) {
                consumer.accept(cursor.lsn(), cursor.type(), cursor.payloadView());
                last = cursor.lsn();
                n++;
                b += SegmentLayout.RECORD_HEADER_SIZE + cursor.payloadLength();
            }
            status = Status.OK;
        } finally {
            cursor.reset(NOTHING, 0);
            records += n;
            bytes += b;
            if (last >= 0) {
                lastLsn = last;
            }
            updater.onReadSegment(start, status, segment.id, segment.pathString, n, b, last);
        }
        return true;
    }

    long records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    /** @return LSN of the last record delivered, -1 when none */
    long lastLsn() {
        return lastLsn;
    }
}

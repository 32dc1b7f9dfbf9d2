package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.segment.MappedSegment;
import io.flashstrike.wal.segment.SegmentVerification;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A segment the preloader worker opened, mapped and verified, handed to the replay thread.
 *
 * <p>Ownership moves with the object: the worker creates it, the replay thread reads it through
 * {@link #records()} and hands it back with {@link SegmentPreloadWorker#finish}, after which only
 * the worker touches it (to close and unmap it). The queues between the threads publish it safely.
 * A view the replay thread kept past that point would read unmapped memory: a crash on JDK 17,
 * an {@link IllegalStateException} on JDK 22+ (see {@link MappedSegment}).
 */
final class PreloadedSegment {
    final long id;
    final Path path;
    /** Kept once so telemetry calls never build strings. */
    final String pathString;
    /** Telemetry status of the preload: OK for a verified segment and for a newest segment ending in a torn tail. */
    final Status status;
    /** The verification; null when the file could not be opened or mapped. */
    final SegmentVerification verification;
    /** Human-readable failure, or how the segment ended; null when it verified whole. */
    final String detail;
    /** Why the segment stopped recovery (a {@code Reason} name, MISSING_SEGMENT, IO_ERROR, MAP_FAULT), null if it did not. */
    final String reason;
    /** A torn tail the mode accepts as the end of the log: status OK, {@link #detail} says where. */
    final boolean tolerated;
    /** Non-zero bytes after the valid prefix that replay will not deliver. */
    final long droppedBytes;
    /** The LSN this segment's first record must carry, -1 when unknown (the first segment of the log). */
    final long expectedLsn;
    final long fileSize;
    private FileChannel channel;
    private MappedSegment mapping;

    PreloadedSegment(long id, Path path, Status status, SegmentVerification verification, String detail,
                     long droppedBytes, long fileSize, FileChannel channel, MappedSegment mapping) {
        this(id, path, status, verification, detail, null, false, droppedBytes, fileSize, channel, mapping);
    }

    PreloadedSegment(long id, Path path, Status status, SegmentVerification verification, String detail, String reason,
                     boolean tolerated, long droppedBytes, long fileSize, FileChannel channel, MappedSegment mapping) {
        this(id, path, status, verification, detail, reason, tolerated, droppedBytes, fileSize, channel, mapping, -1);
    }

    private PreloadedSegment(long id, Path path, Status status, SegmentVerification verification, String detail,
                             String reason, boolean tolerated, long droppedBytes, long fileSize, FileChannel channel,
                             MappedSegment mapping, long expectedLsn) {
        this.id = id;
        this.expectedLsn = expectedLsn;
        this.reason = reason;
        this.tolerated = tolerated;
        this.path = path;
        this.pathString = path.toString();
        this.status = status;
        this.verification = verification;
        this.detail = detail;
        this.droppedBytes = droppedBytes;
        this.fileSize = fileSize;
        this.channel = channel;
        this.mapping = mapping;
    }

    /**
     * A segment of which nothing could be read (missing, not openable, not mappable): its detail
     * names file, segment id, offset 0 and the LSN it should have started with, like a verification
     * failure's, so every error line has the same shape.
     *
     * @param expectedLsn the LSN its first record must carry, -1 when unknown
     */
    static PreloadedSegment unreadable(long id, Path path, Status status, String reason, long expectedLsn, String what) {
        String detail = path + ": segment " + id + " (" + path.getFileName() + ") offset 0, LSN "
                + (expectedLsn >= 0 ? Long.toString(expectedLsn) : "unknown") + ": " + reason + ": " + what;
        return new PreloadedSegment(id, path, status, null, detail, reason, false, 0, 0, null, null, expectedLsn);
    }

    /** @return a read-only view of the whole mapped segment, for the replay thread; null when not mapped */
    ByteBuffer records() {
        return mapping == null ? null : mapping.buffer().asReadOnlyBuffer();
    }

    /** @return records in the valid prefix, which replay delivers whatever the status */
    int validRecords() {
        return verification == null ? 0 : verification.recordCount();
    }

    /** @return {@code true} while a channel or mapping is held, i.e. there is something to finish */
    boolean holdsResources() {
        return channel != null || mapping != null;
    }

    /** Unmaps and closes. Worker thread only, after the replay thread handed the segment back. */
    void release() throws IOException {
        MappedSegment m = mapping;
        mapping = null;
        if (m != null) {
            m.close();
        }
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }
}

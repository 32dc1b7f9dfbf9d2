package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.segment.MappedSegment;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.SegmentVerification;
import io.flashstrike.wal.segment.SegmentVerifier;
import io.flashstrike.wal.segment.TornTail;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The recovery worker: a background thread that opens, maps and fully verifies segments ahead of
 * the replay thread, and closes and unmaps the segments replay is done with, so that replay never
 * does file I/O.
 *
 * <h2>Threading</h2>
 * One worker thread does every preload and every finish, in that thread alone: it is the single
 * writer of the {@link SegmentPreloaderUpdater}. The replay thread calls {@link #take()} and
 * {@link #finish}; {@link #close()} may be called from any thread.
 *
 * <h2>Flow control</h2>
 * At most {@code lookahead} segments are preloaded and not yet taken. The replay thread's take
 * and finish are messages to the worker; the worker blocks only on its message queue when it may
 * not preload further. After a segment that failed verification (other than a torn tail in the
 * newest segment) the worker preloads nothing more: no record after a fault can be delivered.
 */
public final class SegmentPreloadWorker implements AutoCloseable {
    /** Marks the end of the segments in the ready queue. */
    private static final PreloadedSegment END =
            new PreloadedSegment(-1, Path.of("end-of-log"), Status.OK, null, null, 0, 0, null, null);
    private static final Object TAKEN = new Object();
    private static final Object STOP = new Object();

    private final List<Path> segments;
    private final int lookahead;
    private final SegmentPreloaderUpdater updater;
    private final RecoveryMode mode;
    private final SegmentVerifier verifier = new SegmentVerifier();
    private final BlockingQueue<PreloadedSegment> ready = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final Thread thread;

    /**
     * @param segments  the log's segment files, sorted by id
     * @param lookahead segments to keep preloaded ahead of replay, at least 1
     */
    public SegmentPreloadWorker(List<Path> segments, int lookahead, SegmentPreloaderUpdater updater) {
        this(segments, lookahead, updater, RecoveryMode.TOLERATE_TAIL);
    }

    /**
     * @param mode decides only whether a torn tail of the newest segment is a normal end (preload
     *             status OK) or a failure (status TRUNCATED); every other finding is reported as is
     */
    public SegmentPreloadWorker(List<Path> segments, int lookahead, SegmentPreloaderUpdater updater, RecoveryMode mode) {
        this.mode = mode;
        if (lookahead < 1) {
            throw new IllegalArgumentException("lookahead must be at least 1: " + lookahead);
        }
        this.segments = List.copyOf(segments);
        this.lookahead = lookahead;
        this.updater = updater;
        this.thread = new Thread(this::run, "flashstrike-wal-preloader");
        this.thread.setDaemon(true);
    }

    public SegmentPreloadWorker start() {
        thread.start();
        return this;
    }

    /**
     * Next preloaded segment, in order; blocks while the worker prepares it.
     *
     * @return null after the last segment
     */
    PreloadedSegment take() throws InterruptedException {
        PreloadedSegment s;
        while ((s = ready.poll(100, TimeUnit.MILLISECONDS)) == null) {
            if (!thread.isAlive() && ready.isEmpty()) {
                throw new IllegalStateException("preloader worker stopped without ending the log");
            }
        }
        if (s == END) {
            return null;
        }
        messages.add(TAKEN);
        return s;
    }

    /** Hands a segment back to be closed and unmapped off the replay thread. Drop every view of it first. */
    void finish(PreloadedSegment segment) {
        messages.add(segment);
    }

    /** Finishes what is handed back, closes what was never taken, and stops the worker; waits for it. */
    @Override
    public void close() {
        messages.add(STOP);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                if (thread.isAlive()) {
                    thread.interrupt(); // stuck in I/O: interrupting closes its channel
                }
            } catch (InterruptedException e) {
                interrupted = true; // finish closing first: the worker holds mappings
            }
        }
        // A worker that died handed nothing back after its death: release it here. The join makes
        // this thread the updater's only writer from now on.
        drainOnExit();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        int next = 0;
        int inFlight = 0;
        boolean stopped = false;
        boolean endSent = false;
        SegmentVerification previous = null;
        long preloadStart = -1; // while a preload runs: its start
        PreloadedSegment crash = null;
        try {
            while (true) {
                boolean moreToLoad = !stopped && next < segments.size();
                Object m = messages.poll();
                if (m == null && (endSent || (moreToLoad && inFlight >= lookahead))) {
                    m = messages.take();
                }
                if (m == STOP) {
                    break;
                }
                if (m == TAKEN) {
                    inFlight--;
                    continue;
                }
                if (m instanceof PreloadedSegment s) {
                    finishSegment(s);
                    continue;
                }
                if (moreToLoad) {
                    preloadStart = System.nanoTime();
                    PreloadedSegment s = preload(segments.get(next), next, previous);
                    preloadStart = -1;
                    previous = s.verification;
                    stopped = s.status != Status.OK || (previous != null && !previous.isOk());
                    next++;
                    inFlight++;
                    ready.add(s);
                } else if (!endSent) {
                    ready.add(END);
                    endSent = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // Never leave replay waiting, and never let it mistake the crash for the end of the log:
            // the segments already preloaded stay in the queue, in order, then this failure, then the end.
            Path file = next < segments.size() ? segments.get(next) : Path.of("?");
            long id = next < segments.size() ? SegmentFiles.parseId(file) : -1;
            crash = PreloadedSegment.unreadable(id, file, Status.IO_ERROR, "IO_ERROR",
                    previous != null ? previous.nextLsn() : -1, "preloader worker failed: " + e);
            if (preloadStart >= 0) {
                updater.onPreloadSegment(preloadStart, crash.status, crash.id, crash.pathString, 0, 0, crash.detail);
            }
        } finally {
            if (crash == null) {
                drainOnExit();
            } else {
                ready.add(crash);
                ready.add(END); // what replay hands back from now on is released by close()
            }
        }
    }

    private PreloadedSegment preload(Path file, int index, SegmentVerification previous) {
        long start = System.nanoTime();
        long expectedId = index == 0 ? SegmentFiles.parseId(file) : previous.segmentId() + 1;
        long expectedLsn = previous == null ? -1 : previous.nextLsn();
        long fileId = SegmentFiles.parseId(file);
        PreloadedSegment s;
        if (fileId != expectedId) {
            s = PreloadedSegment.unreadable(expectedId, file.resolveSibling(SegmentFiles.fileName(expectedId)),
                    Status.NOT_FOUND, "MISSING_SEGMENT", expectedLsn, "segment " + expectedId
                            + " is missing: the next file is " + file.getFileName());
        } else {
            s = openAndVerify(file, fileId, previous, index == segments.size() - 1, expectedLsn);
        }
        updater.onPreloadSegment(start, s.status, s.id, s.pathString, s.fileSize, s.validRecords(), s.detail);
        return s;
    }

    private PreloadedSegment openAndVerify(Path file, long id, SegmentVerification previous, boolean newest,
                                           long expectedLsn) {
        FileChannel channel = null;
        MappedSegment mapping = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                channel.close();
                return PreloadedSegment.unreadable(id, file, Status.BAD_HEADER, "BAD_SEGMENT_SIZE", expectedLsn,
                        size + " bytes, larger than any segment (2 GiB)");
            }
            mapping = MappedSegment.mapReadOnly(channel, size);
            MappedByteBuffer buffer = mapping.buffer();
            // Touching a page past the end of a file that shrank after it was mapped raises SIGBUS.
            // HotSpot turns it into an InternalError only for a buffer get (an Unsafe access, and
            // on JDK 17 only later if that code is compiled), never inside the CRC32C intrinsic,
            // where it kills the JVM. So check the size again before any byte is touched. A
            // truncation racing the verification itself stays fatal: see docs/RECOVERY.md.
            long now = channel.size();
            if (now < size) {
                release(channel, mapping);
                return PreloadedSegment.unreadable(id, file, Status.IO_ERROR, "MAP_FAULT", expectedLsn,
                        "the file shrank from " + size + " to " + now + " bytes after it was mapped");
            }
            SegmentVerification v = previous == null
                    ? verifier.verifyUnanchored(buffer, id)
                    : verifier.verify(buffer, id, previous.nextLsn(), previous.lastCrc());
            long dropped = v.isOk() ? 0 : TornTail.zeroTailOffset(buffer, v.validEnd()) - v.validEnd();
            if (v.isOk()) {
                return new PreloadedSegment(id, file, Status.OK, v, null, null, false, 0, size, channel, mapping);
            }
            if (mode.toleratesTornTail(v, newest)) {
                return new PreloadedSegment(id, file, Status.OK, v, "end of log: torn tail in the newest segment after LSN "
                        + v.lastLsn() + ", " + dropped + " bytes dropped (" + file + ": " + v.detail() + ")",
                        v.reason().name(), true, dropped, size, channel, mapping);
            }
            return new PreloadedSegment(id, file, Outcomes.status(v.reason()), v, file + ": " + v.detail(), v.reason().name(), false,
                    dropped, size, channel, mapping);
        } catch (NoSuchFileException e) {
            release(channel, mapping);
            return PreloadedSegment.unreadable(id, file, Status.NOT_FOUND, "MISSING_SEGMENT", expectedLsn, "no such file");
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a file system provider's unchecked failure is this segment's I/O error.
            release(channel, mapping);
            return PreloadedSegment.unreadable(id, file, Status.IO_ERROR, "IO_ERROR", expectedLsn, e.toString());
        } catch (InternalError e) {
            // The JVM's error for a fault on mapped memory, e.g. the file truncated under the mapping.
            release(channel, mapping);
            return PreloadedSegment.unreadable(id, file, Status.IO_ERROR, "MAP_FAULT", expectedLsn,
                    "mapped memory fault (file truncated while mapped?): " + e.getMessage());
        } catch (Error e) {
            // The worker fails (see run), but the mapping must not outlive it: on JDK 22+ no GC unmaps it.
            release(channel, mapping);
            throw e;
        }
    }

    private void finishSegment(PreloadedSegment s) {
        if (!s.holdsResources()) {
            return; // never opened (missing file, open failed): nothing to finish, nothing to count
        }
        long start = System.nanoTime();
        Status status = Status.OK;
        String detail = null;
        try {
            s.release();
        } catch (IOException | RuntimeException e) {
            status = Status.IO_ERROR;
            detail = s.pathString + ": close failed: " + e;
        }
        updater.onFinishSegment(start, status, s.id, s.pathString, s.fileSize, detail);
    }

    /** Releases every segment still held, so a stopped recovery leaves no mapping or descriptor behind. */
    private void drainOnExit() {
        Object m;
        while ((m = messages.poll()) != null) {
            if (m instanceof PreloadedSegment s) {
                finishSegment(s);
            }
        }
        PreloadedSegment s;
        while ((s = ready.poll()) != null) {
            if (s != END) {
                finishSegment(s);
            }
        }
        ready.add(END);
    }

    /** Drops a failed segment's mapping (nothing else has a view of it) and channel. */
    private static void release(FileChannel c, MappedSegment m) {
        if (m != null) {
            m.close();
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }
}

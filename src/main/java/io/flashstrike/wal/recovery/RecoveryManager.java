package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.ManagerUpdater;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.SegmentReaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.segment.SegmentFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Replays a WAL directory in LSN order into a {@link RecordConsumer}, on the calling thread (the
 * replay thread), with a {@link SegmentPreloadWorker} preparing segments ahead of it.
 *
 * <h2>Failure semantics</h2>
 * A torn or zero-filled tail in the newest segment is the clean end of the log: reported in
 * {@link RecoveryResult#endOfLog()}, not an error. Anything else — a CRC mismatch, a bad header, a
 * missing or out-of-order segment, a torn record in a sealed segment — stops recovery with an
 * error naming file, segment id, offset and LSN. The records before the fault are all delivered;
 * none after it is. Recovery never modifies a file.
 *
 * <p>One recovery at a time per manager (its metrics have single writers).
 */
public final class RecoveryManager {
    /** Segments preloaded ahead of replay by default. */
    public static final int DEFAULT_LOOKAHEAD = 2;

    private final WalRecoveryMetrics metrics;
    private final int lookahead;

    public RecoveryManager(WalRecoveryMetrics metrics, int lookahead) {
        if (lookahead < 1) {
            throw new IllegalArgumentException("lookahead must be at least 1: " + lookahead);
        }
        this.metrics = metrics;
        this.lookahead = lookahead;
    }

    public RecoveryManager(WalRecoveryMetrics metrics) {
        this(metrics, DEFAULT_LOOKAHEAD);
    }

    /**
     * Replays {@code directory}.
     *
     * @throws ReplayConsumerException when the consumer throws; recovery stops at that record
     * @throws InterruptedException    when interrupted while waiting for the preloader
     */
    public RecoveryResult recover(Path directory, RecordConsumer consumer) throws InterruptedException {
        long start = System.nanoTime();
        ManagerUpdater manager = new ManagerUpdater(metrics.manager());
        SegmentReaderUpdater replayUpdater = new SegmentReaderUpdater(metrics.segmentReader());
        ReplayReader reader = new ReplayReader(replayUpdater);
        Run run = new Run(directory);
        List<Path> files;
        try {
            if (!Files.isDirectory(directory)) {
                throw new NoSuchFileException(directory.toString(), null, "not a directory");
            }
            files = SegmentFiles.list(directory);
        } catch (IOException e) {
            // Not corruption: nothing of the log could be examined.
            run.fail(Status.IO_ERROR, e instanceof NoSuchFileException
                    ? "WAL directory " + directory + " does not exist or is not a directory"
                    : "cannot list WAL directory " + directory + ": " + e.getMessage(), null);
            return finish(run, start, manager, reader);
        }
        run.segmentsFound = files.size();
        manager.onStart(files.size());
        if (files.isEmpty()) {
            run.endOfLog = "empty log: no segment files in " + directory;
            return finish(run, start, manager, reader);
        }
        SegmentPreloadWorker worker = new SegmentPreloadWorker(files, lookahead,
                new SegmentPreloaderUpdater(metrics.segmentPreloader())).start();
        try {
            PreloadedSegment s;
            while (true) {
                long waitStart = System.nanoTime();
                s = worker.take();
                if (s == null) {
                    break;
                }
                run.waitNanos += replayUpdater.onWaitForSegment(waitStart, Status.OK, s.id);
                boolean read;
                try {
                    read = reader.replay(s, consumer);
                } catch (Exception e) {
                    run.fail(Status.UNKNOWN, "consumer failed after LSN " + reader.lastLsn() + " in " + s.path + ": " + e, s.path);
                    finish(run, start, manager, reader);
                    throw new ReplayConsumerException(run.error, e);
                } finally {
                    worker.finish(s);
                }
                if (read) {
                    run.segmentsReplayed++;
                    manager.onSegmentReplayed(s.validRecords() > 0 ? reader.lastLsn() : -1);
                }
                run.droppedBytes += s.droppedBytes;
                manager.onDropped(s.droppedBytes);
                if (s.status != Status.OK) {
                    run.fail(s.status, s.detail, s.path);
                    break;
                }
                run.endOfLog = s.detail != null ? s.detail
                        : "clean: last record LSN " + reader.lastLsn() + " in " + s.path.getFileName();
            }
        } finally {
            worker.close();
        }
        return finish(run, start, manager, reader);
    }

    private static RecoveryResult finish(Run run, long start, ManagerUpdater manager, ReplayReader reader) {
        String detail = run.error != null ? run.error : run.endOfLog;
        manager.onRecover(start, run.status, run.directory.toString(), run.segmentsFound, run.segmentsReplayed,
                reader.records(), reader.bytes(),
                reader.lastLsn(), run.droppedBytes, detail);
        return new RecoveryResult(run.status, run.directory, run.segmentsFound, run.segmentsReplayed, reader.records(),
                reader.bytes(), reader.lastLsn(), run.droppedBytes, System.nanoTime() - start, run.waitNanos,
                run.error == null ? run.endOfLog : null, run.error, run.failedSegment);
    }

    /** The mutable state of one run, on the replay thread. */
    private static final class Run {
        final Path directory;
        Status status = Status.OK;
        long segmentsFound;
        long segmentsReplayed;
        long droppedBytes;
        long waitNanos;
        String endOfLog;
        String error;
        Path failedSegment;

        Run(Path directory) {
            this.directory = directory;
        }

        void fail(Status s, String message, Path segment) {
            status = s;
            error = message;
            failedSegment = segment;
        }
    }
}

package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.Anomaly;
import io.flashstrike.wal.recovery.telemetry.ManagerUpdater;
import io.flashstrike.wal.recovery.telemetry.RunSummary;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.SegmentReaderUpdater;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.WalDirectory;
import io.flashstrike.wal.segment.WalDirectoryLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Replays a WAL directory in LSN order into a {@link RecordConsumer}, on the calling thread (the
 * replay thread), with a {@link SegmentPreloadWorker} preparing segments ahead of it.
 *
 * <h2>Failure semantics</h2>
 * Set by the {@link RecoveryMode}. In the default, {@link RecoveryMode#TOLERATE_TAIL}, a torn or
 * zero-filled tail in the newest segment is the clean end of the log: reported in
 * {@link RecoveryResult#endOfLog()}, not an error. Anything else — a CRC mismatch, a bad header,
 * a missing or out-of-order segment, a torn record in a sealed segment — stops recovery with an
 * error naming file, segment id, offset and LSN. The records before the fault are all delivered;
 * none after it is. Without {@code repair}, recovery never modifies a file; with it, the log is
 * cut where recovery stopped (see {@link Repairer}), after the worker has unmapped everything.
 *
 * <p>One recovery at a time per manager (its metrics have single writers).
 */
public final class RecoveryManager {
    /** Segments preloaded ahead of replay by default. */
    public static final int DEFAULT_LOOKAHEAD = 2;
    /** The reason of a directory without segments. */
    public static final String EMPTY_LOG = "EMPTY_LOG";

    private final WalRecoveryMetrics metrics;
    private final RecoveryMode mode;
    private final boolean repair;
    private final int lookahead;
    private final Repairer repairer;
    private boolean allowEmpty;
    private TelemetryRegistry registry = TelemetryRegistry.global();
    /** Null: {@code wal="<the directory>"}. */
    private Map<String, String> labels;

    /**
     * @throws IllegalArgumentException for {@code lookahead < 1}, or {@code repair} in {@link RecoveryMode#STRICT}
     *                                  (strict tolerates nothing, so there is nothing it could repair)
     */
    public RecoveryManager(WalRecoveryMetrics metrics, RecoveryMode mode, boolean repair, int lookahead) {
        this(metrics, mode, repair, lookahead, Repairer.Steps.NONE);
    }

    RecoveryManager(WalRecoveryMetrics metrics, RecoveryMode mode, boolean repair, int lookahead, Repairer.Steps steps) {
        if (lookahead < 1) {
            throw new IllegalArgumentException("lookahead must be at least 1: " + lookahead);
        }
        if (repair && mode == RecoveryMode.STRICT) {
            throw new IllegalArgumentException("repair needs tolerate-tail or point-in-time: strict tolerates nothing");
        }
        WalOperations.register(); // before any event of ours is committed: JDK-8382242
        this.metrics = metrics;
        this.mode = mode;
        this.repair = repair;
        this.lookahead = lookahead;
        this.repairer = new Repairer(steps);
    }

    /**
     * Whether a directory without any segment is a valid, empty log (a first start). By default
     * it is not: {@code strict} and {@code tolerate-tail} fail ({@code EMPTY_LOG}, status
     * {@code NOT_FOUND}), {@code point-in-time} delivers nothing with a warning. Set before
     * {@link #recover}.
     *
     * @return this manager
     */
    public RecoveryManager allowEmpty(boolean allow) {
        this.allowEmpty = allow;
        return this;
    }

    /**
     * The labels this manager's blocks carry in the {@linkplain TelemetryRegistry registry} (and so on
     * the agent's /metrics and the MBeans), instead of the default {@code wal="<absolute directory>"};
     * e.g. a name per log, or none for a process that runs exactly one recovery. Set before {@link #recover}.
     *
     * @return this manager
     * @throws IllegalArgumentException see {@link TelemetryRegistry#checkLabels}
     */
    public RecoveryManager labels(Map<String, String> labels) {
        this.labels = TelemetryRegistry.checkLabels(labels);
        return this;
    }

    /** The registry the runs register in, instead of {@link TelemetryRegistry#global()}. Set before {@link #recover}. */
    public RecoveryManager registry(TelemetryRegistry registry) {
        this.registry = java.util.Objects.requireNonNull(registry);
        return this;
    }

    public RecoveryManager(WalRecoveryMetrics metrics, int lookahead) {
        this(metrics, RecoveryMode.TOLERATE_TAIL, false, lookahead);
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
    @SuppressWarnings("try") // the registration is held for the run, never read
    public RecoveryResult recover(Path directory, RecordConsumer consumer) throws InterruptedException {
        // In the registry for the run and finished after it: its figures stay readable there, and
        // the global registry's statistics events carry its totals to any stream, a late one too.
        Map<String, String> runLabels = labels != null ? labels : Map.of("wal", directory.toAbsolutePath().normalize().toString());
        try (TelemetryRegistry.Registration registered = registry.register(runLabels, metrics.blocks())) {
            return recoverCounted(directory, consumer);
        }
    }

    private RecoveryResult recoverCounted(Path directory, RecordConsumer consumer) throws InterruptedException {
        Run run = new Run(directory, System.nanoTime());
        ManagerUpdater manager = new ManagerUpdater(metrics.manager());
        SegmentReaderUpdater replayUpdater = new SegmentReaderUpdater(metrics.segmentReader());
        ReplayReader reader = new ReplayReader(replayUpdater);
        WalDirectoryLock lock;
        try {
            if (!Files.isDirectory(directory)) {
                throw new NoSuchFileException(directory.toString(), null, "not a directory");
            }
            // Before listing: no writer may add, cut or move a segment while this run looks at them.
            lock = repair ? WalDirectoryLock.exclusive(directory) : WalDirectoryLock.shared(directory);
        } catch (WalDirectoryLock.LockedException e) {
            run.fail(Status.IO_ERROR, "LOCKED", e.getMessage(), null);
            return finish(run, manager, reader);
        } catch (IOException e) {
            // Not corruption: nothing of the log could be examined.
            run.fail(Status.IO_ERROR, "IO_ERROR", e instanceof NoSuchFileException
                    ? "WAL directory " + directory + " does not exist or is not a directory" : e.getMessage(), null);
            return finish(run, manager, reader);
        }
        try {
            return replay(run, consumer, manager, reader, replayUpdater);
        } finally {
            try {
                lock.close();
            } catch (IOException ignored) {
                // closing the channel released the lock; only emptying the pid failed
            }
        }
    }

    /** {@link #recover} once the directory is locked. */
    private RecoveryResult replay(Run run, RecordConsumer consumer, ManagerUpdater manager, ReplayReader reader,
                                  SegmentReaderUpdater replayUpdater) throws InterruptedException {
        Path directory = run.directory;
        WalDirectory.Listing listing;
        try {
            listing = WalDirectory.scan(directory);
        } catch (IOException e) {
            run.fail(Status.IO_ERROR, "IO_ERROR", "cannot list WAL directory " + directory + ": " + e.getMessage(), null);
            return finish(run, manager, reader);
        }
        List<Path> files = listing.segments();
        run.segmentsFound = files.size();
        manager.onStart(files.size());
        run.unknownEntries = DirectoryLines.unknown(directory, listing.unknown());
        if (!listing.anomalies().isEmpty()) {
            // Where the log ends, or whether a segment is missing, cannot be known while an entry
            // named like a segment is not one: no mode replays a prefix of an unknown log, and no
            // repair moves valid segments aside because of it.
            WalDirectory.Entry first = listing.anomalies().get(0);
            run.fail(Status.NOT_FOUND, first.kind().name(), DirectoryLines.refusal(listing.anomalies()), null);
            run.locate(first.path(), first.id());
            return finish(run, manager, reader);
        }
        if (files.isEmpty()) {
            emptyLog(run);
            return finish(run, manager, reader);
        }
        SegmentPreloaderUpdater preloaderUpdater = new SegmentPreloaderUpdater(metrics.segmentPreloader());
        SegmentPreloadWorker worker = new SegmentPreloadWorker(files, lookahead, preloaderUpdater, mode).start();
        try {
            PreloadedSegment s;
            while ((s = take(worker, run, replayUpdater)) != null) {
                boolean read;
                try {
                    read = reader.replay(s, consumer);
                } catch (Exception e) {
                    run.fail(Status.UNKNOWN, "CONSUMER", "consumer failed after LSN " + reader.lastLsn() + " in "
                            + s.path + ": " + e, s);
                    finish(run, manager, reader);
                    throw new ReplayConsumerException(run.error, e);
                } finally {
                    worker.finish(s);
                }
                if (read) {
                    run.segmentsReplayed++;
                    manager.onSegmentReplayed(s.validRecords() > 0 ? reader.lastLsn() : -1);
                }
                if (!judge(s, files, run, reader)) {
                    break;
                }
            }
        } finally {
            worker.close(); // every mapping released before a repair touches a file
            preloaderUpdater.close(); // worker joined: its block's final statistics, then no more periods
        }
        manager.onDropped(run.droppedBytes);
        if (repair && run.stoppedAt != null && run.status.isOk()) {
            repair(run, files);
        }
        return finish(run, manager, reader);
    }

    /**
     * A directory without segments: an unmounted volume or a mistyped path looks exactly like a
     * first start, so only the caller can say which it is ({@link #allowEmpty}).
     */
    private void emptyLog(Run run) {
        String what = "empty log: no segment file in " + run.directory;
        if (allowEmpty) {
            run.endOfLog = what + " (allowed)";
        } else if (mode.stopsAtInconsistency()) {
            run.action = "stopped";
            run.reason = EMPTY_LOG;
            run.stopDescription = "point-in-time: " + what + "; nothing delivered (--allow-empty when it is expected)";
            run.endOfLog = run.warning = "warning: " + run.stopDescription;
        } else {
            run.fail(Status.NOT_FOUND, EMPTY_LOG, what + " (an unmounted volume, a mistyped --dir?); pass --allow-empty"
                    + " when an empty log is expected, e.g. a first start", null);
        }
    }

    private static PreloadedSegment take(SegmentPreloadWorker worker, Run run, SegmentReaderUpdater updater)
            throws InterruptedException {
        long waitStart = System.nanoTime();
        PreloadedSegment s = worker.take();
        if (s != null) {
            run.waitNanos += updater.onWaitForSegment(waitStart, Status.OK, s.id);
        }
        return s;
    }

    /**
     * Applies the mode to a replayed segment.
     *
     * @return {@code true} to go on with the next segment
     */
    private boolean judge(PreloadedSegment s, List<Path> files, Run run, ReplayReader reader) {
        if (s.status == Status.OK && !s.tolerated) {
            run.endOfLog = "clean: last record LSN " + reader.lastLsn() + " in " + s.path.getFileName();
            return true;
        }
        // A segment nothing of which could be read is dropped whole, like every later one.
        run.droppedBytes += (s.verification == null ? sizeOf(s.path) : s.droppedBytes) + bytesAfter(files, s.id);
        if (s.tolerated) {
            run.stop(s, "tolerated", s.detail);
            run.endOfLog = s.detail;
            run.warning = "warning: " + s.detail;
            return false;
        }
        boolean ioError = s.status == Status.IO_ERROR;
        if (!ioError && mode.stopsAtInconsistency()) {
            run.stop(s, "stopped", "point-in-time: stopped at " + s.detail + "; delivered up to LSN " + reader.lastLsn()
                    + ", " + run.droppedBytes + " bytes not delivered");
            run.endOfLog = run.warning = "warning: " + run.stopDescription;
            return false;
        }
        run.fail(s.status, s.reason, s.detail, s);
        return false;
    }

    private void repair(Run run, List<Path> files) {
        PreloadedSegment s = run.stoppedAt;
        List<Path> later = files.stream().filter(f -> SegmentFiles.parseId(f) > s.id).toList();
        Path damaged = s.verification == null ? null : s.path;
        long validEnd = s.verification == null ? 0 : s.verification.validEnd();
        try {
            run.repair = repairer.repair(damaged, validEnd, later);
        } catch (IOException e) {
            run.fail(Status.IO_ERROR, "IO_ERROR", "repair of " + s.path + " failed: " + e + "; before the repair: "
                    + run.stopDescription, s);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0; // unreadable metadata: nothing we can count
        }
    }

    /** @return bytes of every segment file after {@code id}: a stop drops them whole */
    private static long bytesAfter(List<Path> files, long id) {
        long sum = 0;
        for (Path f : files) {
            if (SegmentFiles.parseId(f) > id) {
                try {
                    sum += Files.size(f);
                } catch (IOException ignored) {
                    // a file that vanished holds nothing we could deliver either
                }
            }
        }
        return sum;
    }

    private RecoveryResult finish(Run run, ManagerUpdater manager, ReplayReader reader) {
        String detail = run.error != null ? run.error : run.endOfLog;
        if (run.repair != null) {
            detail = detail + "; " + run.repair;
        }
        manager.onRecover(run.start, new RunSummary(run.status, run.directory.toString(), mode.cliName(), run.segmentsFound,
                run.segmentsReplayed, reader.records(), reader.bytes(), reader.lastLsn(), run.droppedBytes, detail,
                run.reason == null ? null : new Anomaly(run.reason, run.action),
                new RunSummary.Position(run.failureSegmentId, run.failureOffset, run.failureLsn), run.repair != null));
        return new RecoveryResult(run.status, mode, run.directory, run.segmentsFound, run.segmentsReplayed,
                reader.records(), reader.bytes(), reader.lastLsn(), run.droppedBytes, System.nanoTime() - run.start,
                run.waitNanos, run.error == null ? run.endOfLog : null, run.error, run.failedSegment, run.reason,
                run.failureSegmentId, run.failureOffset, run.failureLsn, run.warningLine(), run.repair);
    }

    /** The mutable state of one run, on the replay thread. */
    private static final class Run {
        final Path directory;
        final long start;
        Status status = Status.OK;
        long segmentsFound;
        long segmentsReplayed;
        long droppedBytes;
        long waitNanos;
        String endOfLog;
        String error;
        String warning;
        String repair;
        /** The warning about entries that are not part of the log, or null. */
        String unknownEntries;
        Path failedSegment;
        String reason;
        String action;
        String stopDescription;
        PreloadedSegment stoppedAt;
        long failureSegmentId = -1;
        long failureOffset = -1;
        long failureLsn = -1;

        Run(Path directory, long start) {
            this.directory = directory;
            this.start = start;
        }

        void fail(Status s, String why, String message, PreloadedSegment segment) {
            status = s;
            error = message;
            action = "failed";
            locate(why, segment);
        }

        void stop(PreloadedSegment segment, String how, String description) {
            action = how;
            stopDescription = description;
            stoppedAt = segment;
            locate(segment.reason, segment);
        }

        /** Locates a failure at an entry nothing of which was read. */
        void locate(Path entry, long id) {
            failedSegment = entry;
            failureSegmentId = id;
            failureOffset = id >= 0 ? 0 : -1;
        }

        /** @return the run's warning line, with the note about unknown entries */
        String warningLine() {
            if (unknownEntries == null) {
                return warning;
            }
            return warning == null ? "warning: " + unknownEntries : warning + "; also " + unknownEntries;
        }

        private void locate(String why, PreloadedSegment segment) {
            reason = why;
            if (segment != null) {
                failedSegment = segment.path;
                failureSegmentId = segment.id;
                if (segment.verification != null && !segment.verification.isOk()) {
                    failureOffset = segment.verification.failureOffset();
                    failureLsn = segment.verification.failureLsn();
                } else if (segment.verification == null && segment.id >= 0) {
                    failureOffset = 0; // nothing of it was read
                    failureLsn = segment.expectedLsn;
                }
            }
        }
    }
}

package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.testsupport.FaultyFileSystem;

import java.nio.file.Path;

/**
 * One row of the fault matrix: a fault injected into a real log, what it is (its {@link Kind}),
 * the reason and status recovery must report, and a phrase its error or warning line must hold.
 * What each mode does follows from the kind alone ({@link #action}): that is the specification of
 * the modes, and the table in {@code docs/RECOVERY.md} is rendered from it.
 *
 * @param id     row id in the table, e.g. {@code 3a}
 * @param number the fault number (1..14)
 * @param title  what is done to the log
 * @param says   a phrase the error or warning line must contain; null for a clean end
 */
record FaultCase(String id, int number, String title, Kind kind, String reason, Status status, String says,
                 Damage damage) {

    /** What a fault is, which decides what every mode does with it. */
    enum Kind {
        /** Not an anomaly: every mode ends cleanly. */
        CLEAN,
        /** What an interrupted append leaves in the newest segment: only strict fails. */
        TORN,
        /** Corruption or a broken sequence: point-in-time stops before it, the others fail. */
        CORRUPT,
        /** The file system failed: every mode fails, and nothing is repaired. */
        IO
    }

    /** What recovery did, in one word: the {@code action} label of {@code anomalies_total}, or clean. */
    enum Action {
        CLEAN, TOLERATED, STOPPED, FAILED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Damages the log in {@code log.dir}, or arms {@code fs}; tells where recovery must stop. */
    @FunctionalInterface
    interface Damage {
        Site apply(WalFixture log, FaultyFileSystem fs, Path tmp) throws Exception;
    }

    /** @return what {@code mode} must do with this fault */
    Action action(RecoveryMode mode) {
        return switch (kind) {
            case CLEAN -> Action.CLEAN;
            case TORN -> mode == RecoveryMode.STRICT ? Action.FAILED : Action.TOLERATED;
            case CORRUPT -> mode == RecoveryMode.POINT_IN_TIME ? Action.STOPPED : Action.FAILED;
            case IO -> Action.FAILED;
        };
    }

    /** @return the run's status in {@code mode}: OK unless it failed */
    Status status(RecoveryMode mode) {
        return action(mode) == Action.FAILED ? status : Status.OK;
    }

    /** @return the exit code in {@code mode} (the CLI's, {@code RecoveryResult.exitCode()}) */
    int exitCode(RecoveryMode mode) {
        if (action(mode) != Action.FAILED) {
            return 0;
        }
        return status == Status.IO_ERROR ? 1 : 3;
    }

    /** @return whether {@code --repair} in {@code mode} gets to act: only after a stop the mode accepts */
    boolean repairs(RecoveryMode mode) {
        Action a = action(mode);
        return mode != RecoveryMode.STRICT && (a == Action.TOLERATED || a == Action.STOPPED);
    }

    @Override
    public String toString() {
        return id + " " + title;
    }

    /**
     * Where recovery must stop, computed from the log as generated (never by the verifier).
     *
     * @param index        segment index where recovery stops (for a clean end: the newest); -1 when no
     *                     segment is involved (the directory could not be listed)
     * @param segmentId    that segment's id, -1 when none
     * @param file         that segment's file
     * @param offset       byte offset of the failure in it
     * @param lsn          the first LSN not delivered: every record before it is, none after
     * @param validEnd     where the valid prefix of the segment ends (0 for a header failure); what
     *                     {@code --repair} truncates it to
     * @param verified     whether the segment could be opened, mapped and verified (its valid prefix read)
     * @param truncatedTo  the size an injected fault truncates the file to during recovery, -1 when none
     * @param closeFailsAt index of the segment whose close throws, -1 when none
     */
    record Site(int index, long segmentId, Path file, long offset, long lsn, long validEnd, boolean verified,
                long truncatedTo, int closeFailsAt) {

        /** Recovery stops at record {@code k} of segment {@code index}. */
        static Site record(WalFixture log, int index, int k) {
            long offset = log.offset(index, k);
            return new Site(index, log.id(index), log.path(index), offset, log.lsn(index, k), offset, true, -1, -1);
        }

        /** Recovery stops at {@code offset} of segment {@code index}, whose first {@code k} records are valid. */
        static Site at(WalFixture log, int index, long offset, int k) {
            return new Site(index, log.id(index), log.path(index), offset, log.lsn(index, k), offset, true, -1, -1);
        }

        /** Recovery stops at header field {@code field} of segment {@code index}, expecting LSN {@code lsn}. */
        static Site header(WalFixture log, int index, long field, long lsn) {
            return new Site(index, log.id(index), log.path(index), field, lsn, 0, true, -1, -1);
        }

        /** Nothing of segment {@code index} can be read (missing, not openable, not mappable). */
        static Site unreadable(WalFixture log, int index) {
            return new Site(index, log.id(index), log.path(index), 0, log.lsn(index, 0), 0, false, -1, -1);
        }

        /** The log ends cleanly before record {@code k} of the newest segment {@code index}. */
        static Site cleanEnd(WalFixture log, int index, int k) {
            return new Site(index, log.id(index), log.path(index), -1, log.lsn(index, k), -1, true, -1, -1);
        }

        /** Nothing at all could be examined (the directory listing failed). */
        static Site nothing(WalFixture log) {
            return new Site(-1, -1, log.dir, -1, log.summary.firstLsn(), -1, false, -1, -1);
        }

        Site truncatedTo(long size) {
            return new Site(index, segmentId, file, offset, lsn, validEnd, verified, size, closeFailsAt);
        }

        Site closeFailsAt(int segment) {
            return new Site(index, segmentId, file, offset, lsn, validEnd, verified, truncatedTo, segment);
        }

        /** @return the segment's location as every error and warning line names it */
        String location() {
            return "segment " + segmentId + " (" + file.getFileName() + ") offset " + offset + ", LSN " + lsn;
        }
    }
}

package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.Outcomes;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.recovery.faults.FaultCase.Damage;
import io.flashstrike.wal.recovery.faults.FaultCase.Kind;
import io.flashstrike.wal.recovery.faults.FaultCase.Site;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.segment.Reason;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.SegmentLayout;
import io.flashstrike.wal.segment.TornTail;
import io.flashstrike.wal.testsupport.FaultyFileSystem.Op;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault matrix of issue 7: every fault, injected into a real log on disk, with the reason
 * and status recovery must report. What each mode does follows from the row's kind
 * ({@link FaultCase#action}); where it stops and what it keeps from the damage ({@link Site}).
 *
 * <p>The log: {@value #SEGMENTS} segments of 32 KiB, 31 records of 1000 payload bytes each (1024
 * bytes with the record header: a record spans two 512-byte sectors), LSNs 1..186. Segment
 * {@value #NEWEST} is the newest, {@value #SEALED} a sealed one in the middle, {@value #IO_SEGMENT}
 * the one I/O faults hit.
 */
final class FaultMatrix {
    static final int SEGMENTS = 6;
    static final int SEGMENT_SIZE = 32 << 10;
    static final int PAYLOAD = 1000;
    static final long SEED = 0;
    static final int NEWEST = SEGMENTS - 1;
    static final int SEALED = 2;
    static final int IO_SEGMENT = 3;
    /** Last record of a segment. */
    static final int LAST = 30;
    /** A record in the middle of a segment. */
    static final int MID = 10;
    /** Where the injected truncation under the preloader cuts: one page, with record 3 straddling the cut. */
    static final long CUT_UNDER_MAP = 4096;

    static final List<FaultCase> CASES = cases();

    private FaultMatrix() {
    }

    static WalFixture generate(Path dir) throws java.io.IOException {
        return WalFixture.generate(dir, SEGMENTS, SEGMENT_SIZE, PAYLOAD, SEED);
    }

    private static List<FaultCase> cases() {
        List<FaultCase> c = new ArrayList<>();
        int n = NEWEST;
        int s = SEALED;

        // 1. zero-filled preallocated tail after valid records
        c.add(clean("1a", 1, "newest segment zero-filled from a record boundary (preallocated, records 10.. never written)",
                (log, fs, tmp) -> {
                    log.zeroFrom(n, log.offset(n, MID));
                    return Site.cleanEnd(log, n, MID);
                }));
        c.add(torn("1b", 1, "newest segment zero-filled from inside a record (preallocated, the append torn)",
                Reason.TORN_RECORD, "run into the zero tail", (log, fs, tmp) -> {
                    log.zeroFrom(n, log.offset(n, MID) + 100);
                    return Site.record(log, n, MID);
                }));

        // 2. newest segment truncated
        c.add(torn("2a", 2, "newest segment truncated by 1 byte (its zero padding)", Reason.TRUNCATED_FILE,
                "before the declared segment size", (log, fs, tmp) -> {
                    log.truncate(n, SEGMENT_SIZE - 1);
                    return Site.at(log, n, log.recordsEnd(n), log.records(n));
                }));
        c.add(torn("2b", 2, "newest segment truncated mid-header (30 bytes left)", Reason.TRUNCATED_FILE,
                "shorter than the 64-byte header", (log, fs, tmp) -> {
                    log.truncate(n, 30);
                    return Site.header(log, n, 0, log.lsn(n, 0));
                }));
        c.add(torn("2c", 2, "newest segment truncated mid-body (inside record 10)", Reason.TRUNCATED_FILE,
                "past the end of the file", (log, fs, tmp) -> {
                    log.truncate(n, log.offset(n, MID) + 500);
                    return Site.record(log, n, MID);
                }));

        // 3. the last record torn
        c.add(torn("3a", 3, "zeroed 512-byte sector inside the last record of the newest segment, its end written",
                Reason.TORN_RECORD, "persisted out of order", (log, fs, tmp) -> {
                    zeroSectorInside(log, n, LAST);
                    return Site.record(log, n, LAST);
                }));
        c.add(torn("3b", 3, "newest segment truncated inside the last record, then extended with zeros",
                Reason.TORN_RECORD, "run into the zero tail", (log, fs, tmp) -> {
                    log.truncate(n, log.offset(n, LAST) + 300);
                    log.extend(n, SEGMENT_SIZE);
                    return Site.record(log, n, LAST);
                }));

        // 4. a zeroed sector with valid records after it
        c.add(corrupt("4a", 4, "zeroed 512-byte sector inside record 10 of the newest segment, records after it",
                Reason.RECORD_CRC, "not a torn append", (log, fs, tmp) -> {
                    zeroSectorInside(log, n, MID);
                    return Site.record(log, n, MID);
                }));
        c.add(corrupt("4b", 4, "zeroed 512-byte sector inside record 10 of a sealed segment",
                Reason.RECORD_CRC, "not a torn append", (log, fs, tmp) -> {
                    zeroSectorInside(log, s, MID);
                    return Site.record(log, s, MID);
                }));

        // 5. one bit flipped in a payload
        c.add(corrupt("5a", 5, "payload bit flipped (XOR 0x80) in record 10 of the newest segment", Reason.RECORD_CRC,
                "record CRC is", (log, fs, tmp) -> {
                    log.flip(n, log.offset(n, MID) + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
                    return Site.record(log, n, MID);
                }));
        c.add(corrupt("5b", 5, "payload bit flipped (XOR 0x80) in record 10 of a sealed segment", Reason.RECORD_CRC,
                "record CRC is", (log, fs, tmp) -> {
                    log.flip(s, log.offset(s, MID) + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
                    return Site.record(log, s, MID);
                }));
        c.add(corrupt("5c", 5, "payload bit flipped in the last record of the newest segment (bit rot, not a torn write)",
                Reason.RECORD_CRC, "not a torn append", (log, fs, tmp) -> {
                    log.flip(n, log.offset(n, LAST) + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
                    return Site.record(log, n, LAST);
                }));

        // 6. a length field past the segment end
        c.add(corrupt("6a", 6, "length of the last record of the newest segment points past the segment end",
                Reason.LENGTH_PAST_END, "past the segment end", (log, fs, tmp) -> {
                    log.putInt(n, log.offset(n, LAST) + SegmentLayout.RECORD_LENGTH_OFFSET, 40_000);
                    return Site.record(log, n, LAST);
                }));
        c.add(corrupt("6b", 6, "length of record 10 of a sealed segment points past the segment end",
                Reason.LENGTH_PAST_END, "past the segment end", (log, fs, tmp) -> {
                    log.putInt(s, log.offset(s, MID) + SegmentLayout.RECORD_LENGTH_OFFSET, 40_000);
                    return Site.record(log, s, MID);
                }));

        // 7. the chain broken by a spliced, duplicated or swapped record
        c.add(corrupt("7a", 7, "record 10 of a sealed segment spliced from another log (same LSN, other chain)",
                Reason.RECORD_CRC, "record CRC is", (log, fs, tmp) -> {
                    WalFixture other = WalFixture.generate(tmp.resolve("other-log"), SEGMENTS, SEGMENT_SIZE, PAYLOAD, 7);
                    log.write(s, log.offset(s, MID), other.read(s, other.offset(s, MID), log.recordSpan()));
                    return Site.record(log, s, MID);
                }));
        c.add(corrupt("7b", 7, "record 10 of a sealed segment duplicated over record 11", Reason.LSN_GAP,
                "reordered, duplicated or spliced", (log, fs, tmp) -> {
                    log.write(s, log.offset(s, MID + 1), log.read(s, log.offset(s, MID), log.recordSpan()));
                    return Site.record(log, s, MID + 1);
                }));
        c.add(corrupt("7c", 7, "records 10 and 11 of a sealed segment swapped", Reason.LSN_GAP,
                "reordered, duplicated or spliced", (log, fs, tmp) -> {
                    byte[] a = log.read(s, log.offset(s, MID), log.recordSpan());
                    byte[] b = log.read(s, log.offset(s, MID + 1), log.recordSpan());
                    log.write(s, log.offset(s, MID), b);
                    log.write(s, log.offset(s, MID + 1), a);
                    return Site.record(log, s, MID);
                }));

        // 8. a segment header byte flipped
        c.add(header("8a", "magic", SegmentLayout.MAGIC_OFFSET, Reason.BAD_MAGIC, SegmentLayout.MAGIC_OFFSET, "magic is"));
        c.add(header("8b", "version", SegmentLayout.VERSION_OFFSET, Reason.BAD_VERSION, SegmentLayout.VERSION_OFFSET,
                "format version"));
        c.add(header("8c", "segment id", SegmentLayout.SEGMENT_ID_OFFSET, Reason.BAD_HEADER_CRC, 0, "header CRC is"));
        c.add(header("8d", "base LSN", SegmentLayout.BASE_LSN_OFFSET, Reason.BAD_HEADER_CRC, 0, "header CRC is"));
        c.add(header("8e", "header CRC", SegmentLayout.HEADER_CRC_OFFSET, Reason.BAD_HEADER_CRC, 0, "header CRC is"));

        // 9. a missing segment, a base-LSN gap
        c.add(new FaultCase("9a", 9, "middle segment 2 deleted", Kind.CORRUPT, "MISSING_SEGMENT", Status.NOT_FOUND,
                "segment 2 is missing", (log, fs, tmp) -> {
                    Files.delete(log.path(s));
                    return Site.unreadable(log, s);
                }));
        c.add(corrupt("9b", 9, "sealed segment 2 lost its records 20.. (zeroed): base-LSN gap at segment 3",
                Reason.BASE_LSN_GAP, "the previous segment ends at", (log, fs, tmp) -> {
                    log.zeroFrom(s, log.offset(s, 20));
                    return Site.header(log, s + 1, SegmentLayout.BASE_LSN_OFFSET, log.lsn(s, 20));
                }));

        // 10. a segment renamed, or from an older generation
        c.add(corrupt("10a", 10, "segment files 2 and 3 renamed into each other's place", Reason.WRONG_SEGMENT_ID,
                "header says segment 3", (log, fs, tmp) -> {
                    Path t = tmp.resolve("swap");
                    Files.move(log.path(s), t);
                    Files.move(log.path(s + 1), log.path(s));
                    Files.move(t, log.path(s + 1));
                    return Site.header(log, s, SegmentLayout.SEGMENT_ID_OFFSET, log.lsn(s, 0));
                }));
        c.add(corrupt("10b", 10, "segment 3 replaced by segment 3 of an older generation of the log", Reason.CHAIN_BROKEN,
                "another log, or a lost tail", (log, fs, tmp) -> {
                    WalFixture older = WalFixture.generate(tmp.resolve("older-log"), SEGMENTS, SEGMENT_SIZE, PAYLOAD, 7);
                    Files.copy(older.path(s + 1), log.path(s + 1), StandardCopyOption.REPLACE_EXISTING);
                    return Site.header(log, s + 1, SegmentLayout.PREV_CHAIN_CRC_OFFSET, log.lsn(s + 1, 0));
                }));

        // 11. newest segment empty or header-only
        c.add(torn("11a", 11, "newest segment empty (0 bytes)", Reason.TRUNCATED_FILE, "the file is 0 bytes",
                (log, fs, tmp) -> {
                    log.truncate(n, 0);
                    return Site.header(log, n, 0, log.lsn(n, 0));
                }));
        c.add(torn("11b", 11, "newest segment all zero (preallocated, header never written)", Reason.ZERO_HEADER,
                "created but never written", (log, fs, tmp) -> {
                    log.zeroFrom(n, 0);
                    return Site.header(log, n, 0, log.lsn(n, 0));
                }));
        c.add(torn("11c", 11, "newest segment header-only, 64 bytes (a growing file, no record yet)",
                Reason.TRUNCATED_FILE, "before the record at 64", (log, fs, tmp) -> {
                    log.truncate(n, SegmentLayout.HEADER_SIZE);
                    return Site.at(log, n, SegmentLayout.HEADER_SIZE, 0);
                }));
        c.add(clean("11d", 11, "newest segment header-only, preallocated (header, then zeros)", (log, fs, tmp) -> {
            log.zeroFrom(n, SegmentLayout.HEADER_SIZE);
            return Site.cleanEnd(log, n, 0);
        }));

        // 12. I/O errors on segment 3, through the delegating file system
        c.add(io("12a", 12, "I/O error on open of segment 3", "IO_ERROR", "injected I/O error: open", Op.OPEN));
        c.add(io("12b", 12, "I/O error on the first read of segment 3 (its size)", "IO_ERROR", "injected I/O error: size",
                Op.SIZE));
        c.add(io("12c", 12, "I/O error on map of segment 3", "IO_ERROR", "injected I/O error: map", Op.MAP));
        c.add(io("12d", 12, "map of segment 3 throws an unchecked exception (a provider bug)", "IO_ERROR",
                "IllegalStateException: injected provider bug", Op.MAP_UNCHECKED));
        c.add(io("12e", 12, "map of segment 3 throws an Error that kills the preloader worker", "IO_ERROR",
                "preloader worker failed", Op.MAP_ERROR));
        c.add(new FaultCase("12f", 12, "I/O error listing the WAL directory", Kind.IO, "IO_ERROR", Status.IO_ERROR,
                "cannot list WAL directory", (log, fs, tmp) -> {
                    fs.fail(Op.LIST, log.dir.getFileName().toString());
                    return Site.nothing(log);
                }));

        // 13. a mapped file truncated under the preloader
        c.add(new FaultCase("13a", 13, "segment 3 truncated to 4096 bytes right after it was mapped", Kind.IO,
                "MAP_FAULT", Status.IO_ERROR, "shrank from 32768 to 4096 bytes", (log, fs, tmp) -> {
                    fs.fail(Op.TRUNCATE_AFTER_MAP, log.path(IO_SEGMENT).getFileName().toString(), CUT_UNDER_MAP);
                    return Site.unreadable(log, IO_SEGMENT).truncatedTo(CUT_UNDER_MAP);
                }));
        c.add(new FaultCase("13b", 13, "segment 3 truncated to 0 bytes right after it was mapped", Kind.IO,
                "MAP_FAULT", Status.IO_ERROR, "shrank from 32768 to 0 bytes", (log, fs, tmp) -> {
                    fs.fail(Op.TRUNCATE_AFTER_MAP, log.path(IO_SEGMENT).getFileName().toString(), 0);
                    return Site.unreadable(log, IO_SEGMENT).truncatedTo(0);
                }));

        // 14. the asynchronous close throws
        c.add(clean("14", 14, "closing segment 3 throws (counted in finish_segment; the outcome is unchanged)",
                (log, fs, tmp) -> {
                    fs.fail(Op.CLOSE, log.path(IO_SEGMENT).getFileName().toString());
                    return Site.cleanEnd(log, n, log.records(n)).closeFailsAt(IO_SEGMENT);
                }));
        return List.copyOf(c);
    }

    /** @return whether the case needs the delegating file system */
    static boolean usesFaultyFileSystem(FaultCase c) {
        return c.number() >= 12;
    }

    // ---- row builders -----------------------------------------------------------------------

    private static FaultCase clean(String id, int number, String title, Damage d) {
        return new FaultCase(id, number, title, Kind.CLEAN, null, Status.OK, null, d);
    }

    private static FaultCase torn(String id, int number, String title, Reason r, String says, Damage d) {
        assertTrue(r.isTornTail(), r + " is not a torn tail");
        return new FaultCase(id, number, title, Kind.TORN, r.name(), Outcomes.status(r), says, d);
    }

    private static FaultCase corrupt(String id, int number, String title, Reason r, String says, Damage d) {
        return new FaultCase(id, number, title, Kind.CORRUPT, r.name(), Outcomes.status(r), says, d);
    }

    private static FaultCase header(String id, String field, int at, Reason r, int reportedAt, String says) {
        return corrupt(id, 8, "header byte of segment 2 flipped: " + field, r, says, (log, fs, tmp) -> {
            log.flip(SEALED, at, 0x80);
            return Site.header(log, SEALED, reportedAt, log.lsn(SEALED, 0));
        });
    }

    private static FaultCase io(String id, int number, String title, String reason, String says, Op op) {
        return new FaultCase(id, number, title, Kind.IO, reason, Status.IO_ERROR, says, (log, fs, tmp) -> {
            fs.fail(op, log.path(IO_SEGMENT).getFileName().toString());
            return Site.unreadable(log, IO_SEGMENT);
        });
    }

    /** Zeroes the first whole 512-byte sector inside record {@code k}, checking that record bytes follow it. */
    private static void zeroSectorInside(WalFixture log, int index, int k) throws java.io.IOException {
        int r = log.offset(index, k);
        int end = r + SegmentLayout.RECORD_HEADER_SIZE + log.payload;
        int sector = (r + TornTail.SECTOR - 1) & -TornTail.SECTOR;
        assertTrue(sector + TornTail.SECTOR < end, "a whole sector inside the record, record bytes after it");
        log.zero(index, sector, sector + TornTail.SECTOR);
    }

    /** @return the segment files of {@code dir} after {@code id}, as the recovery lists them */
    static List<Path> after(Path dir, long id) throws java.io.IOException {
        return SegmentFiles.list(dir).stream().filter(p -> SegmentFiles.parseId(p) > id).toList();
    }
}

package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.recovery.faults.Recoveries.Ran;
import io.flashstrike.wal.segment.Reason;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.TornTail;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 16 of issue 7: a seeded, bounded random sweep over a 10-segment log. Each trial damages
 * one segment — a flipped bit, a zeroed 512-byte sector or a truncation at 0, 30, 60 or 90 % of
 * it, plus a random jitter — and recovers it in every mode. Whatever the damage and the mode, the
 * records delivered are exactly those that end before the first changed byte: a prefix of the
 * log, in order, every payload intact, the same in every mode; and the modes differ only in the
 * exit code. Trial {@code i} hits segment {@code i % 10} at percentage {@code (i / 10) % 4}, so 40
 * trials hit every segment at every percentage; the kind and the jitter are drawn from the seed.
 *
 * <p>{@code -Dfaults.seed=N} and {@code -Dfaults.trials=N} replay or widen the sweep; the seed
 * is in every trial's name.
 */
class RandomSweepTest {
    static final long SEED = Long.getLong("faults.seed", 0x5EED_F1A5L);
    static final int TRIALS = Integer.getInteger("faults.trials", 40);
    static final int SEGMENTS = 10;
    static final int[] PERCENT = {0, 30, 60, 90};
    private static final Set<Reason> TORN = Set.of(Reason.TRUNCATED_FILE, Reason.TORN_RECORD, Reason.ZERO_HEADER);

    @TempDir
    static Path shared;
    private static WalFixture pristine;

    enum Kind { FLIP, ZERO_SECTOR, TRUNCATE }

    record Trial(int number, int segment, int percent, int jitter, Kind kind) {
        long position() {
            return (long) FaultMatrix.SEGMENT_SIZE * percent / 100 + jitter;
        }

        @Override
        public String toString() {
            return "seed " + Long.toHexString(SEED) + " trial " + number + ": " + kind + " at " + percent + " % (+" + jitter
                    + ") of segment " + segment;
        }
    }

    static List<Trial> trials() {
        Random rnd = new Random(SEED);
        List<Trial> l = new ArrayList<>();
        for (int i = 0; i < TRIALS; i++) {
            int percent = PERCENT[(i / SEGMENTS) % PERCENT.length]; // 40 trials: every segment at every percentage
            int jitter = rnd.nextInt(percent == 0 ? 64 : TornTail.SECTOR); // 0 % stays in the header
            l.add(new Trial(i, i % SEGMENTS, percent, jitter, Kind.values()[rnd.nextInt(Kind.values().length)]));
        }
        return l;
    }

    @BeforeAll
    static void generate() throws Exception {
        pristine = WalFixture.generate(shared.resolve("pristine"), SEGMENTS, FaultMatrix.SEGMENT_SIZE,
                FaultMatrix.PAYLOAD, FaultMatrix.SEED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trials")
    void deliveredRecordsAreAlwaysTheIntactPrefixBeforeTheFirstChangedByte(Trial t, @TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("wal");
        Files.createDirectories(dir);
        for (int i = 0; i < SEGMENTS; i++) {
            Files.copy(pristine.path(i), dir.resolve(pristine.path(i).getFileName()));
        }
        Path file = SegmentFiles.path(dir, pristine.id(t.segment()));
        byte[] before = Files.readAllBytes(file);
        damage(file, t);
        byte[] after = Files.readAllBytes(file);
        long firstChanged = firstChange(before, after);
        Map<String, byte[]> damaged = Recoveries.snapshot(dir);

        // The oracle: every record that ends at or before the first changed byte, and none after.
        long expected = 0;
        int validEnd = firstChanged < 64 ? 0 : 64;
        for (int i = 0; i < SEGMENTS; i++) {
            for (int k = 0; k < pristine.records(i); k++) {
                int end = pristine.offset(i, k) + pristine.recordSpan();
                if (i < t.segment() || firstChanged < 0 || (i == t.segment() && end <= firstChanged)) {
                    expected++;
                    if (i == t.segment()) {
                        validEnd = end;
                    }
                }
            }
        }
        long dropped = 0;
        if (firstChanged >= 0) {
            dropped = Recoveries.writtenEnd(after, validEnd) - validEnd;
            for (int i = t.segment() + 1; i < SEGMENTS; i++) {
                dropped += FaultMatrix.SEGMENT_SIZE;
            }
        }

        for (RecoveryMode mode : RecoveryMode.values()) {
            String ctx = t + " in " + mode + " (first changed byte " + firstChanged + ")";
            Ran ran = Recoveries.run(dir, mode, false, false, tmp, FaultMatrix.SEED, FaultMatrix.PAYLOAD);
            RecoveryResult r = ran.result();
            ran.delivered().assertPrefix(pristine.summary.firstLsn(), expected);
            assertEquals(expected == 0 ? -1 : pristine.summary.firstLsn() + expected - 1, r.lastValidLsn(), ctx);
            assertEquals(dropped, r.droppedBytes(), ctx + ": " + r);
            if (firstChanged < 0) {
                assertEquals(0, r.exitCode(), ctx + ": nothing changed, " + r);
                assertNull(r.reason(), ctx);
            } else {
                switch (mode) {
                    case STRICT -> assertEquals(3, r.exitCode(), ctx + ": " + r);
                    case POINT_IN_TIME -> assertEquals(0, r.exitCode(), ctx + ": " + r);
                    case TOLERATE_TAIL -> {
                        if (r.exitCode() == 0) {
                            assertEquals(SEGMENTS - 1, t.segment(), ctx + ": tolerated outside the newest segment: " + r);
                            assertTrue(TORN.contains(Reason.valueOf(r.reason())), ctx + ": tolerated " + r.reason());
                        } else {
                            assertEquals(3, r.exitCode(), ctx + ": " + r);
                        }
                    }
                    default -> throw new AssertionError(mode);
                }
                assertNotEquals(null, r.reason(), ctx);
                assertEquals(pristine.id(t.segment()), r.failureSegmentId(), ctx + ": " + r);
                // the first segment's base LSN is unknown when its own header is damaged
                boolean unknown = t.segment() == 0 && firstChanged < 64;
                assertEquals(unknown ? -1 : pristine.summary.firstLsn() + expected, r.failureLsn(), ctx + ": " + r);
                String line = r.error() != null ? r.error() : r.warning();
                assertTrue(line.contains("LSN " + (unknown ? "unknown" : Long.toString(r.failureLsn()))), ctx + ": " + line);
            }
            Recoveries.assertSameFiles(damaged, Recoveries.snapshot(dir), ctx + ": recovery changed the log");
        }
    }

    /** Applies the trial's damage to {@code file}. */
    private static void damage(Path file, Trial t) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int p = (int) t.position();
        switch (t.kind()) {
            case FLIP -> b[p] ^= (byte) 0x80;
            case ZERO_SECTOR -> {
                int s = p & -TornTail.SECTOR;
                java.util.Arrays.fill(b, s, Math.min(b.length, s + TornTail.SECTOR), (byte) 0);
            }
            case TRUNCATE -> b = java.util.Arrays.copyOf(b, p);
            default -> throw new AssertionError(t.kind());
        }
        Files.write(file, b);
    }

    /** @return the first offset where {@code after} differs from {@code before} (a lost byte counts), -1 if none */
    private static long firstChange(byte[] before, byte[] after) {
        return java.util.Arrays.mismatch(before, after);
    }

    static {
        // the trials must cover every segment and every kind, or the sweep proves less than it says
        Set<Integer> segments = new HashSet<>();
        Set<Kind> kinds = new HashSet<>();
        for (Trial t : trials()) {
            segments.add(t.segment());
            kinds.add(t.kind());
        }
        if (TRIALS >= SEGMENTS && (segments.size() != SEGMENTS || kinds.size() != Kind.values().length)) {
            throw new IllegalStateException("the sweep misses segments or kinds: " + segments + " " + kinds);
        }
    }
}

package io.flashstrike.wal.report;

import io.flashstrike.wal.report.UnreadableRecordingException.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input is refused with one line that names the file and says what is wrong,
 * made from a real recording: cut at several places, its version raised, its chunk size zeroed;
 * and a good two-chunk recording (two recordings concatenated, as the format allows) is read whole.
 */
class BadRecordingTest {
    @TempDir
    static Path dir;
    static byte[] good;
    static byte[] other;

    @BeforeAll
    static void record() throws Exception {
        good = Files.readAllBytes(KnownRecording.healthy(dir.resolve("good.jfr")).file());
        other = Files.readAllBytes(KnownRecording.stalled(dir.resolve("other.jfr")).file());
    }

    @Test
    void aMissingFileOrADirectory() {
        assertRefused(dir.resolve("nope.jfr"), Kind.MISSING, "no such file");
        assertRefused(dir, Kind.MISSING, "is a directory");
    }

    @Test
    void anEmptyFile() throws Exception {
        assertRefused(write("empty.jfr", new byte[0]), Kind.EMPTY, "empty file (0 bytes), not a JFR recording");
    }

    @Test
    void notJfr() throws Exception {
        assertRefused(write("text.jfr", "hello, this is a text file\n".repeat(20).getBytes(StandardCharsets.UTF_8)),
                Kind.NOT_JFR, "not a JFR recording (no FLR magic at the start)");
        assertRefused(write("two-bytes.jfr", new byte[] {'h', 'i'}), Kind.NOT_JFR, "not a JFR recording");
        assertRefused(write("zip.jfr", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), Kind.NOT_JFR, "no FLR magic");
    }

    @Test
    void truncatedAnywhere() throws Exception {
        assertRefused(write("magic-only.jfr", Arrays.copyOf(good, 4)), Kind.TRUNCATED, "header at offset 0 is cut short");
        assertRefused(write("header.jfr", Arrays.copyOf(good, 30)), Kind.TRUNCATED, "truncated JFR recording: chunk 1 at offset 0 declares");
        assertRefused(write("half.jfr", Arrays.copyOf(good, good.length / 2)), Kind.TRUNCATED,
                "chunk 1 at offset 0 declares " + good.length + " bytes but " + good.length / 2 + " remain");
        assertRefused(write("minus-one.jfr", Arrays.copyOf(good, good.length - 1)), Kind.TRUNCATED, "remain");
        byte[] two = concat(good, good);
        assertRefused(write("second-chunk-cut.jfr", Arrays.copyOf(two, good.length + good.length / 3)), Kind.TRUNCATED,
                "chunk 2 at offset " + good.length + " declares");
        byte[] garbageAfter = concat(good, "trailing garbage".getBytes(StandardCharsets.US_ASCII));
        assertRefused(write("garbage-after.jfr", garbageAfter), Kind.TRUNCATED, "chunk 2 at offset " + good.length + " has no FLR magic");
    }

    @Test
    void anUnfinishedChunk() throws Exception {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putLong(8, 0);
        assertRefused(write("unfinished.jfr", b), Kind.TRUNCATED, "is unfinished (size 0)");
    }

    @Test
    void aFutureFormatVersion() throws Exception {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putShort(4, (short) 3).putShort(6, (short) 0);
        assertRefused(write("future.jfr", b), Kind.UNSUPPORTED_VERSION, "JFR format 3.0 is newer than this reader understands (up to 2.x)");
    }

    @Test
    void twoChunksAreOneRecording() throws Exception {
        RecordingReport a = RecordingReport.load(dir.resolve("good.jfr"));
        RecordingReport b = RecordingReport.load(dir.resolve("other.jfr"));
        RecordingReport both = RecordingReport.load(write("two.jfr", concat(good, other)));
        for (String type : a.byType().keySet()) {
            assertEquals(a.byType().get(type).count() + b.byType().get(type).count(), both.byType().get(type).count(), type);
        }
        // The JMC parser drops events identical to ones it has read (the same chunk twice, as
        // overlapping dumps produce), where the JDK's jfr tool would count them twice.
        RecordingReport same = RecordingReport.load(write("same-twice.jfr", concat(good, good)));
        for (String type : a.byType().keySet()) {
            assertEquals(a.byType().get(type).count(), same.byType().get(type).count(), type);
        }
    }

    @Test
    void theParserLogsNothingOnBadInput() throws Exception {
        Logger jmc = Logger.getLogger("org.openjdk.jmc");
        StringBuilder logged = new StringBuilder();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.append(r.getLevel()).append(' ').append(r.getMessage()).append('\n');
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jmc.addHandler(h);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int cut : new int[] {good.length / 2, good.length - 10}) {
                Path f = write("cut-" + cut + ".jfr", Arrays.copyOf(good, cut));
                assertThrows(UnreadableRecordingException.class, () -> RecordingReport.load(f));
            }
        } finally {
            System.setErr(err);
            jmc.removeHandler(h);
        }
        assertEquals("", logged.toString());
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    static void assertRefused(Path file, Kind kind, String reason) {
        UnreadableRecordingException e = assertThrows(UnreadableRecordingException.class, () -> RecordingReport.load(file));
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

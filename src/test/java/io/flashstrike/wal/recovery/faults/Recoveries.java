package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.RecordConsumer;
import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.segment.PayloadPattern;
import io.flashstrike.wal.segment.WalDirectoryLock;
import io.flashstrike.wal.segment.WalGenerator;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs recoveries the way the matrix needs them: real directories, every delivered record checked, JFR optional. */
final class Recoveries {
    static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    private Recoveries() {
    }

    /** What one run produced; {@code jfr} says whether it ran under a recording (then {@code events} is every event). */
    record Ran(RecoveryResult result, Delivered delivered, WalRecoveryMetrics metrics, boolean jfr, List<RecordedEvent> events) {
        List<RecordedEvent> events(String type) {
            return events.stream().filter(e -> e.getEventType().getName().equals(type))
                    .sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
        }
    }

    /** Recovers {@code dir} in {@code mode}; with {@code jfr}, under a disk recording with the project's .jfc. */
    static Ran run(Path dir, RecoveryMode mode, boolean repair, boolean jfr, Path tmp, long payloadSeed, int payload)
            throws Exception {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        Delivered delivered = new Delivered(payloadSeed, payload);
        RecoveryManager manager = new RecoveryManager(metrics, mode, repair, RecoveryManager.DEFAULT_LOOKAHEAD);
        if (!jfr) {
            return new Ran(manager.recover(dir, delivered), delivered, metrics, false, List.of());
        }
        Path file = Files.createTempFile(tmp, "recovery", ".jfr");
        RecoveryResult r;
        try (Recording recording = new Recording(Configuration.create(JFC))) {
            recording.setToDisk(true);
            recording.start();
            r = manager.recover(dir, delivered);
            recording.stop();
            recording.dump(file);
        }
        return new Ran(r, delivered, metrics, true, RecordingFile.readAllEvents(file));
    }

    /** Collects what replay delivers; checks every payload against the generator's pattern. */
    static final class Delivered implements RecordConsumer {
        private final long seed;
        private final int payload;
        final List<Long> lsns = new ArrayList<>();
        /** LSNs whose type, length or payload bytes are not the generated ones. */
        final List<Long> altered = new ArrayList<>();

        Delivered(long seed, int payload) {
            this.seed = seed;
            this.payload = payload;
        }

        @Override
        public void accept(long lsn, int type, ByteBuffer p) {
            lsns.add(lsn);
            if (type != WalGenerator.DEFAULT_RECORD_TYPE || p.remaining() != payload
                    || PayloadPattern.firstMismatch(seed, lsn, p, p.position(), p.remaining()) >= 0) {
                altered.add(lsn);
            }
        }

        /** Asserts that exactly the records {@code firstLsn .. firstLsn + count - 1} were delivered, in order, intact. */
        void assertPrefix(long firstLsn, long count) {
            assertEquals(List.of(), altered, "records delivered altered");
            assertEquals(count, lsns.size(), "records delivered");
            for (int i = 0; i < lsns.size(); i++) {
                if (lsns.get(i) != firstLsn + i) {
                    fail("record " + i + " delivered carries LSN " + lsns.get(i) + ", not " + (firstLsn + i)
                            + ": not a prefix of the log");
                }
            }
        }
    }

    // ---- the directory, byte for byte ---------------------------------------------------------

    /**
     * @return every regular file of {@code dir} by name, with its bytes, except the lock file: not
     *         part of the log, created empty by the first recovery of a directory that lacks it
     */
    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals(WalDirectoryLock.FILE_NAME)) {
                    files.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    /** Asserts that {@code actual} holds exactly the files of {@code expected}, byte for byte; names the differences. */
    static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual, String what) {
        List<String> diff = new ArrayList<>();
        for (String name : new TreeSet<>(union(expected, actual))) {
            byte[] e = expected.get(name);
            byte[] a = actual.get(name);
            if (e == null) {
                diff.add(name + " appeared (" + a.length + " bytes)");
            } else if (a == null) {
                diff.add(name + " disappeared (was " + e.length + " bytes)");
            } else if (!Arrays.equals(e, a)) {
                diff.add(name + " changed: " + e.length + " -> " + a.length + " bytes, first difference at "
                        + Arrays.mismatch(e, a));
            }
        }
        if (!diff.isEmpty()) {
            fail(what + ": " + String.join("; ", diff));
        }
    }

    private static List<String> union(Map<String, byte[]> a, Map<String, byte[]> b) {
        List<String> names = new ArrayList<>(a.keySet());
        names.addAll(b.keySet());
        return names;
    }

    /** @return the offset just past the last non-zero byte of {@code bytes} at or after {@code from}, or {@code from} */
    static long writtenEnd(byte[] bytes, long from) {
        int i = bytes.length;
        while (i > from && bytes[i - 1] == 0) {
            i--;
        }
        return Math.max(i, from);
    }
}

package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.Status;

import java.nio.file.Path;

/** {@link KnownRecording}'s recordings for tests in other packages (the rule's). */
public final class RuleRecordings {
    private RuleRecordings() {
    }

    public static Path stalled(Path file) throws Exception {
        return KnownRecording.stalled(file).file();
    }

    public static Path healthy(Path file) throws Exception {
        return KnownRecording.healthy(file).file();
    }

    public static Path mixed(Path file) throws Exception {
        return KnownRecording.mixed(file).file();
    }

    /** {@link KnownRecording#stalled} recorded with the JDK's default profile too, so the JDK rules have events. */
    public static Path stalledWithJdkDefault(Path file) throws Exception {
        try (KnownRecording r = KnownRecording.startWithJdkDefault(file)) {
            for (int i = 0; i < 8; i++) {
                r.preload(i, Status.OK, 1_000_000, 1 << 20);
                r.waitFor(i, 3_000_000);
                r.read(i, 1_000_000, 1 << 20);
                r.finish(i, Status.OK, 50_000, 1 << 20);
            }
            // Something for the JDK rules to look at: allocation, a GC, an exception.
            byte[][] garbage = new byte[64][];
            for (int i = 0; i < 2_000; i++) {
                garbage[i % 64] = new byte[64 * 1024];
            }
            System.gc();
            try {
                throw new IllegalStateException("for the exception rule " + garbage.length);
            } catch (IllegalStateException expected) {
                // recorded as jdk.JavaErrorThrow / ExceptionStatistics
            }
        }
        return file;
    }

    /** The events of a recording that holds none of ours. */
    public static Path withoutWalEvents(Path file) throws Exception {
        return NoWalEvents.record(file);
    }

    /** A healthy recovery but for one 30 ms finish (segment 5). */
    public static Path slowFinish(Path file) throws Exception {
        try (KnownRecording r = KnownRecording.start(file)) {
            for (int i = 0; i < 8; i++) {
                r.preload(i, Status.OK, 1_000_000, 1 << 20);
                r.waitFor(i, i == 0 ? 1_000_000 : 0);
                r.read(i, 1_000_000, 1 << 20);
                r.finish(i, Status.OK, i == 5 ? 30_000_000 : 50_000, 1 << 20);
            }
        }
        return file;
    }
}

package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss account on real statistics events read back from a real recording: unknown first (the
 * producer's totals did not come), then a loss once they do — and that loss still gets its line.
 */
class LossAccountTest {
    private static final Logger LOG = Logger.getLogger(LossAccount.class.getName());

    @TempDir
    Path tmp;

    /** One real {@value OperationStatisticsEvent#NAME} event of {@code blockId}, read back from a file. */
    private RecordedEvent statistics(long blockId, long successes) throws Exception {
        Path file = tmp.resolve("statistics-" + successes + ".jfr");
        try (Recording r = new Recording()) {
            r.enable(OperationStatisticsEvent.NAME);
            r.start();
            OperationStatisticsEvent e = new OperationStatisticsEvent();
            e.blockId = blockId;
            e.operation = "preload_segment";
            e.successes = successes;
            e.commit();
            r.stop();
            r.dump(file);
        }
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(OperationStatisticsEvent.NAME) && e.getLong("blockId") == blockId)
                .findFirst().orElseThrow();
    }

    @Test
    void aLossFoundAfterAnUnknownStretchIsStillLogged() throws Exception {
        SegmentPreloader mirror = new SegmentPreloader();
        try (SegmentPreloaderUpdater u = new SegmentPreloaderUpdater(mirror)) {
            for (int i = 0; i < 3; i++) {
                u.onPreloadSegment(System.nanoTime(), Status.OK);
            }
        }
        long producerBlock = Long.MAX_VALUE - 7; // no block of this JVM: nothing else emits its totals
        LossAccount account = new LossAccount("test", List.of(mirror.block()));
        account.only(Set.of(producerBlock));
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        LOG.addHandler(capture);
        LOG.setUseParentHandlers(false);
        try {
            account.settle(List.of(mirror.block()));
            assertEquals(0, account.missing("preload_segment"), "one batch without totals is the normal gap");
            account.settle(List.of(mirror.block()));
            assertEquals(LossAccount.UNKNOWN, account.missing("preload_segment"), "two batches without totals: unknown");
            assertEquals(List.of(), logged, "unknown is not a loss seen");

            assertTrue(account.fold(statistics(producerBlock, 5)));
            account.settle(List.of(mirror.block()));
            assertEquals(2, account.missing("preload_segment"), "5 counted by the producer, 3 folded");
            assertEquals(5, account.producerTotal("preload_segment"));
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).contains("is missing 2 preload_segment events"), logged.get(0));
        } finally {
            LOG.removeHandler(capture);
            LOG.setUseParentHandlers(true);
        }
    }
}

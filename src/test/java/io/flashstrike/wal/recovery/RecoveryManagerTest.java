package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import io.flashstrike.wal.segment.PayloadPattern;
import io.flashstrike.wal.segment.SegmentLayout;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery of real WAL directories on disk, whole and damaged, with telemetry and JFR checked. */
class RecoveryManagerTest {
    private static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    /** Collects what replay delivers and checks every payload against the generator's pattern. */
    static final class Collected implements RecordConsumer {
        final List<Long> lsns = new ArrayList<>();
        int badPayloads;

        @Override
        public void accept(long lsn, int type, java.nio.ByteBuffer payload) {
            lsns.add(lsn);
            if (PayloadPattern.firstMismatch(0, lsn, payload, payload.position(), payload.remaining()) >= 0) {
                badPayloads++;
            }
        }

        void assertPrefix(long firstLsn, long count) {
            assertEquals(count, lsns.size(), "records delivered");
            for (int i = 0; i < lsns.size(); i++) {
                assertEquals(firstLsn + i, lsns.get(i), "record " + i);
            }
            assertEquals(0, badPayloads, "payloads altered");
        }
    }

    @Test
    void roundTripDeliversEveryRecordOnceInOrder(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 6);
        Outcome o = recoverRecorded(wal, tmp);
        RecoveryResult r = o.result;
        WalRecoveryMetrics metrics = o.metrics;
        Collected c = o.collected;
        assertEquals(Status.OK, r.status());
        assertEquals(0, r.exitCode());
        assertNull(r.error());
        c.assertPrefix(wal.summary.firstLsn(), wal.summary.records());
        assertEquals(wal.summary.lastLsn(), r.lastValidLsn());
        assertEquals(6, r.segmentsReplayed());
        assertEquals(0, r.droppedBytes());
        assertEquals(wal.summary.records() * (SegmentLayout.RECORD_HEADER_SIZE + WalFixture.PAYLOAD), r.bytes());

        assertEquals(6, metrics.segmentPreloader().preloadSegment().snapshot().successes());
        assertEquals(6, metrics.segmentPreloader().finishSegment().snapshot().successes());
        assertEquals(0, metrics.segmentPreloader().preloadSegment().snapshot().failures());
        assertEquals(wal.summary.records(), metrics.segmentReader().records());
        assertEquals(6, metrics.segmentReader().waitForSegment().snapshot().count());
        assertEquals(wal.summary.lastLsn(), metrics.manager().lastValidLsn());
        assertEquals(1, metrics.manager().recover().snapshot().successes());

        // The replay thread does no file open/map/close: every preload and finish ran on the worker.
        List<RecordedEvent> events = o.events;
        String replay = Thread.currentThread().getName();
        assertEquals(java.util.Set.of("flashstrike-wal-preloader"), threadsOf(events, PreloadSegmentEvent.NAME));
        assertEquals(java.util.Set.of("flashstrike-wal-preloader"), threadsOf(events, FinishSegmentEvent.NAME));
        assertEquals(java.util.Set.of(replay), threadsOf(events, ReadSegmentEvent.NAME));
        assertEquals(java.util.Set.of(replay), threadsOf(events, WaitForSegmentEvent.NAME));
        assertEquals(6, count(events, PreloadSegmentEvent.NAME));
        assertEquals(6, count(events, FinishSegmentEvent.NAME));
        RecordedEvent run = only(events, RecoveryEvent.NAME);
        assertEquals("OK", run.getString("status"));
        assertEquals(wal.summary.records(), run.getLong("records"));
        assertEquals(wal.summary.lastLsn(), run.getLong("lastValidLsn"));
    }

    @Test
    void aFlippedPayloadBitInASealedSegmentStopsAtTheFault(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 4);
        int before = wal.recordsIn(0) + wal.recordsIn(1);
        int k = 5;
        int offset = wal.recordOffsets(2).get(k);
        wal.flip(2, offset + SegmentLayout.RECORD_PAYLOAD_OFFSET + 10, 0x80);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(Status.CHECKSUM_MISMATCH, o.result.status());
        assertEquals(3, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), before + k);
        long lsn = wal.summary.firstLsn() + before + k;
        assertErrorNames(o.result.error(), wal.segment(2), 2, offset, lsn);
        assertEquals(lsn - 1, o.result.lastValidLsn());
        assertEquals(1, o.metrics.segmentPreloader().preloadSegment().snapshot().count(Status.CHECKSUM_MISMATCH));
        assertEquals(List.of("OK", "OK", "CHECKSUM_MISMATCH"), o.preloadStatuses());
        assertTrue(o.result.droppedBytes() > 0);
        assertEquals("CHECKSUM_MISMATCH", only(o.events, RecoveryEvent.NAME).getString("status"));
    }

    @Test
    void aBadMagicInTheMiddleStopsBeforeTheSegment(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 4);
        wal.flip(1, SegmentLayout.MAGIC_OFFSET, 0x01);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(Status.BAD_HEADER, o.result.status());
        assertEquals(3, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), wal.recordsIn(0));
        assertTrue(o.result.error().contains(wal.segment(1).toString()), o.result.error());
        assertEquals(List.of("OK", "BAD_HEADER"), o.preloadStatuses());
    }

    @Test
    void aBadVersionIsABadHeader(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 3);
        wal.flip(2, SegmentLayout.VERSION_OFFSET, 0x02);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(Status.BAD_HEADER, o.result.status());
        o.collected.assertPrefix(wal.summary.firstLsn(), wal.recordsIn(0) + wal.recordsIn(1));
    }

    @Test
    void aMissingMiddleSegmentIsAGap(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 4);
        int first = wal.recordsIn(0);
        Path gone = wal.segment(1);
        Files.delete(gone);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(Status.NOT_FOUND, o.result.status());
        assertEquals(3, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), first);
        assertTrue(o.result.error().contains("segment 1 is missing"), o.result.error());
        assertEquals(List.of("OK", "NOT_FOUND"), o.preloadStatuses());
    }

    @Test
    void swappedSegmentFilesAreOutOfOrder(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 4);
        Path a = wal.segment(1);
        Path b = wal.segment(2);
        Path t = tmp.resolve("swap");
        Files.move(a, t);
        Files.move(b, a);
        Files.move(t, b);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(3, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), wal.recordsIn(0));
        assertEquals(1, o.metrics.segmentPreloader().preloadSegment().snapshot().failures());
    }

    @Test
    void aTruncatedHeaderInTheMiddleIsAnError(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 3);
        wal.truncate(1, 30);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(Status.TRUNCATED, o.result.status());
        assertEquals(3, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), wal.recordsIn(0));
        assertEquals(List.of("OK", "TRUNCATED"), o.preloadStatuses());
    }

    @Test
    void aTornTailInTheNewestSegmentIsACleanEndOfLog(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 3);
        int before = wal.recordsIn(0) + wal.recordsIn(1);
        int k = 7;
        int offset = wal.recordOffsets(2).get(k);
        wal.truncate(2, offset + 40); // mid-record
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(Status.OK, o.result.status());
        assertEquals(0, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), before + k);
        assertTrue(o.result.endOfLog().contains("torn tail"), o.result.endOfLog());
        assertEquals(40, o.result.droppedBytes());
        assertEquals(List.of("OK", "OK", "OK"), o.preloadStatuses());
        assertEquals(0, o.metrics.segmentPreloader().preloadSegment().snapshot().failures());
    }

    @Test
    void aZeroFilledTailInTheNewestSegmentIsACleanEndOfLog(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 3);
        int before = wal.recordsIn(0) + wal.recordsIn(1);
        int k = 3;
        int cut = wal.recordOffsets(2).get(k) + 40; // mid-payload, preallocated zeros after
        assertTrue(wal.byteAt(2, cut - 1) != 0, "precondition: the last byte kept is data");
        wal.zeroFrom(2, cut);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(0, o.result.exitCode());
        o.collected.assertPrefix(wal.summary.firstLsn(), before + k);
        assertEquals(40, o.result.droppedBytes());
    }

    @Test
    void aTornRecordInASealedSegmentIsAnError(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 3);
        int k = 4;
        wal.zeroFrom(1, wal.recordOffsets(1).get(k) + 17);
        Outcome o = recoverRecorded(wal, tmp);
        assertEquals(3, o.result.exitCode());
        assertEquals(Status.TRUNCATED, o.result.status());
        o.collected.assertPrefix(wal.summary.firstLsn(), wal.recordsIn(0) + k);
    }

    @Test
    void aMissingDirectoryIsNotFoundAndAnEmptyOneIsAnEmptyLogOnlyWhenAllowed(@TempDir Path tmp) throws Exception {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        RecoveryResult missing = new RecoveryManager(metrics).recover(tmp.resolve("nope"), new Collected());
        assertEquals(Status.IO_ERROR, missing.status());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.error().contains("nope"), missing.error());
        Files.createDirectory(tmp.resolve("empty"));
        // Issue 27: an empty directory is an unmounted volume or a mistyped path until the caller says otherwise.
        RecoveryResult refused = new RecoveryManager(metrics).recover(tmp.resolve("empty"), new Collected());
        assertEquals(Status.NOT_FOUND, refused.status());
        assertEquals(RecoveryManager.EMPTY_LOG, refused.reason());
        RecoveryResult empty = new RecoveryManager(metrics).allowEmpty(true).recover(tmp.resolve("empty"), new Collected());
        assertEquals(Status.OK, empty.status());
        assertEquals(0, empty.records());
        assertTrue(empty.endOfLog().startsWith("empty log"), empty.endOfLog());
        assertEquals(2, metrics.manager().recover().snapshot().failures());
    }

    @Test
    void aThrowingConsumerStopsRecoveryAndReleasesEverySegment(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 4);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        long stopAt = wal.summary.firstLsn() + wal.recordsIn(0) + 2;
        ReplayConsumerException e = assertThrows(ReplayConsumerException.class, () ->
                new RecoveryManager(metrics).recover(wal.dir, (lsn, type, payload) -> {
                    if (lsn == stopAt) {
                        throw new IllegalStateException("state machine full");
                    }
                }));
        assertTrue(e.getMessage().contains("state machine full"), e.getMessage());
        var preload = metrics.segmentPreloader().preloadSegment().snapshot();
        var finish = metrics.segmentPreloader().finishSegment().snapshot();
        assertEquals(preload.count(), finish.count(), "every preloaded segment was closed");
        assertEquals(1, metrics.manager().recover().snapshot().count(Status.UNKNOWN));
    }

    // ---------------------------------------------------------------------------------------

    record Outcome(RecoveryResult result, Collected collected, WalRecoveryMetrics metrics, List<RecordedEvent> events) {
        List<String> preloadStatuses() {
            return events.stream().filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME))
                    .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                    .map(e -> e.getString("status")).toList();
        }
    }

    private static Outcome recoverRecorded(WalFixture wal, Path tmp) throws Exception {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        Collected c = new Collected();
        Path jfr = Files.createTempFile(tmp, "rec", ".jfr");
        RecoveryResult r;
        try (Recording rec = new Recording(Configuration.create(JFC))) {
            rec.start();
            r = new RecoveryManager(metrics).recover(wal.dir, c);
            rec.stop();
            rec.dump(jfr);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        // Whatever happened, every segment that was preloaded was also finished (no leak).
        var preload = metrics.segmentPreloader().preloadSegment().snapshot();
        long opened = preload.count() - preload.count(Status.NOT_FOUND);
        assertEquals(opened, metrics.segmentPreloader().finishSegment().snapshot().count(),
                "every preloaded segment that was found was finished exactly once");
        return new Outcome(r, c, metrics, events);
    }

    private static void assertErrorNames(String error, Path file, long segmentId, long offset, long lsn) {
        assertTrue(error.contains(file.toString()), "file: " + error);
        assertTrue(error.contains("segment " + segmentId), "segment id: " + error);
        assertTrue(error.contains("offset " + offset), "offset: " + error);
        assertTrue(error.contains("LSN " + lsn), "LSN: " + error);
    }

    private static java.util.Set<String> threadsOf(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type))
                .map(e -> e.getThread().getJavaName()).collect(Collectors.toSet());
    }

    private static long count(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type)).count();
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type) {
        List<RecordedEvent> l = events.stream().filter(e -> e.getEventType().getName().equals(type)).toList();
        assertEquals(1, l.size(), type);
        return l.get(0);
    }
}

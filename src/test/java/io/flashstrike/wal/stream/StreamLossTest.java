package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.MetricSamples;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * JFR really loses data and the stream says so in its loss families instead of undercounting
 * silently: what was folded plus what is missing is at most the producer's own total, and equal
 * to it whenever the producer's last statistics reach the stream (the deleted chunk). Two ways: a child
 * JVM with the smallest buffers JFR accepts under a burst from two threads (JDK 17 drops data and
 * says {@code jdk.DataLoss}; 25.0.3 kept up here), and a chunk deleted from a recording, as when a
 * repository drops chunks before the sidecar reads them (any JDK).
 */
class StreamLossTest {
    private static final String P = WalRecoveryMetrics.DEFAULT_PREFIX;
    private static final String HEALTH = "{subsystem=\"wal_event_stream\"";

    @Test
    void lostEventsShowInTheLossFamilies(@TempDir Path tmp) throws Exception {
        Path jfr = tmp.resolve("burst.jfr");
        long produced = produce(tmp, jfr, List.of("-XX:FlightRecorderOptions:memorysize=1m,numglobalbuffers=2,threadbuffersize=4k"),
                "burst", "300000");
        Folded f = fold(jfr);
        System.out.println("StreamLossTest burst on " + Runtime.version() + ": produced " + produced + ", " + f);
        assumeTrue(f.folded < produced, "JFR kept every event of the burst on this JDK: " + f);
        // Never silent. `missing` is what the producer's statistics that reached the stream prove
        // missing: JFR may drop the last of them too (seen in CI: 26,275 events lost, missing 0,
        // 16,287 bytes reported lost), so it can fall short, never overshoot.
        assertTrue(f.missing > 0 || f.lostBytes > 0, "the loss must show in a loss family: " + f);
        assertTrue(f.folded + f.missing <= produced, "folded + missing cannot exceed the producer's total: " + f);
        if (Runtime.version().feature() == 17) {
            assertTrue(f.lostBytes > 0, "JDK 17 reports its buffer loss as jdk.DataLoss: " + f);
        }
    }

    @Test
    void aChunkDeletedShowsAsMissingEvents(@TempDir Path tmp) throws Exception {
        Path jfr = tmp.resolve("chunks.jfr");
        long produced = produce(tmp, jfr, List.of(), "chunks", "1000");
        List<byte[]> chunks = Chunks.split(Files.readAllBytes(jfr));
        int victim = -1;
        long inVictim = 0;
        for (int i = 1; i < chunks.size() - 1 && victim < 0; i++) {
            Path one = Files.write(tmp.resolve("chunk-" + i + ".jfr"), chunks.get(i));
            inVictim = RecordingFile.readAllEvents(one).stream()
                    .filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME)).count();
            victim = inVictim > 0 ? i : -1;
        }
        assertTrue(victim > 0, chunks.size() + " chunks, none in the middle with preload events");
        Path cut = tmp.resolve("cut.jfr");
        try (var out = Files.newOutputStream(cut)) {
            for (int i = 0; i < chunks.size(); i++) {
                if (i != victim) {
                    out.write(chunks.get(i));
                }
            }
        }
        Folded f = fold(cut);
        System.out.println("StreamLossTest chunk " + victim + " of " + chunks.size() + " deleted: produced " + produced + ", " + f);
        assertEquals(produced - inVictim, f.folded, f.toString());
        assertEquals(inVictim, f.missing, "every event of the deleted chunk is missing: " + f);
    }

    private record Folded(long folded, long missing, long lostBytes) {
    }

    /** Runs the child; returns the total it printed. */
    private static long produce(Path tmp, Path jfr, List<String> flags, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("-XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc,filename=" + jfr));
        all.addAll(flags);
        ChildJvm.Result r = ChildJvm.runMain(all, tmp.resolve(args[0] + ".log"), LossBurst.class.getName(), args);
        assertEquals(0, r.exit(), r.output());
        Matcher m = Pattern.compile("producer preload_segment total (\\d+)").matcher(r.output());
        assertTrue(m.find(), r.output());
        return Long.parseLong(m.group(1));
    }

    /** Folds a recording with the stream, to its end; reads the loss families as a scrape would. */
    private static Folded fold(Path jfr) throws Exception {
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        try (WalEventStream stream = WalEventStream.of(EventStream.openFile(jfr), "file " + jfr, mirror).start()) {
            assertTrue(stream.awaitTermination(Duration.ofSeconds(60)), "the recording was not read to its end");
            Map<String, Double> health = MetricSamples.of(c -> stream.collectHealth(P, c)).samples();
            long folded = mirror.segmentPreloader().preloadSegment().snapshot().count();
            double lost = health.get(P + "_stream_lost_bytes_total" + HEALTH + "}");
            double missing = health.get(P + "_stream_missing_events" + HEALTH + ",operation=\"preload_segment\"}");
            return new Folded(folded, (long) missing, (long) lost);
        }
    }
}

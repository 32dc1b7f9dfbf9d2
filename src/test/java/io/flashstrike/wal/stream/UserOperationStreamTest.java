package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.MetricSamples;
import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.OutcomeType;
import io.flashstrike.wal.recovery.telemetry.TelemetryBlock;
import io.flashstrike.wal.recovery.telemetry.TimedOperation;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import jdk.jfr.Configuration;
import jdk.jfr.Event;
import jdk.jfr.Name;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operation that is not the WAL's — its own event, metric name and outcome enum, described in
 * this test and nowhere in the product — is mirrored by the in-process stream exactly as the WAL's:
 * every family of the mirror block equals the recording block's, outcomes included (a null one
 * as the enum's unknown), and an event without a {@code status} field folds as the first success.
 */
class UserOperationStreamTest {
    private static final String P = "app";
    private static final int FETCHES = 200;

    enum Outcome { HIT, MISS, TIMEOUT, LOST }

    @Name("test.user.Fetch")
    public static final class FetchEvent extends Event {
        public String key;
        public String status;
    }

    /** No status field: its events fold as the first success. */
    @Name("test.user.Evict")
    public static final class EvictEvent extends Event {
        public long bytes;
    }

    static final OutcomeType<Outcome> OUTCOMES = OutcomeType.of(Outcome.class, Outcome.LOST, Outcome.HIT, Outcome.MISS);
    static final OperationType<FetchEvent, Outcome> FETCH = OperationType.of("fetch", FetchEvent.class, OUTCOMES);
    static final OperationType<EvictEvent, Outcome> EVICT = OperationType.of("evict", EvictEvent.class, OUTCOMES);

    @Test
    void aUserOperationIsMirroredInEveryFamily() throws Exception {
        TelemetryBlock truth = TelemetryBlock.of("cache", FETCH, EVICT);
        TelemetryBlock mirror = TelemetryBlock.of("cache", FETCH, EVICT);
        TimedOperation<FetchEvent, Outcome> fetch = truth.operation(FETCH);
        TimedOperation<EvictEvent, Outcome> evict = truth.operation(EVICT);
        Configuration settings = Configuration.create(Path.of("jfc", "flashstrike-wal.jfc"));
        try (WalEventStream stream = WalEventStream.inProcess(settings, new WalRecoveryMetrics(), List.of(mirror))) {
            stream.start();
            for (int i = 0; i < FETCHES; i++) {
                long start = System.nanoTime() - 1_000L * i;
                Outcome outcome = i % 50 == 0 ? null : i % 7 == 0 ? Outcome.TIMEOUT : i % 2 == 0 ? Outcome.HIT : Outcome.MISS;
                FetchEvent e = FETCH.end(fetch, start);
                if (e != null) {
                    e.key = "k" + i;
                }
                FETCH.complete(fetch, e, outcome);
                if (i % 10 == 0) {
                    EvictEvent x = EVICT.end(evict, start);
                    if (x != null) {
                        x.bytes = i;
                    }
                    EVICT.complete(evict, x, Outcome.HIT);
                }
            }
            long events = WalEventStream.eventsOf(List.of(truth));
            assertEquals(FETCHES + FETCHES / 10, events);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stream.eventsSeen() < events && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(events, stream.eventsSeen(), "events folded");
        }
        MetricSamples expected = MetricSamples.of(c -> truth.collect(P, c));
        assertEquals(List.of(), MetricSamples.differences(expected, "recorded", MetricSamples.of(c -> mirror.collect(P, c)), "mirrored"));
        assertEquals(4.0, expected.samples().get("app_fetch_total{subsystem=\"cache\",outcome=\"failure\",status=\"LOST\"}"),
                "the four null outcomes, counted as the enum's unknown");
        assertTrue(expected.samples().get("app_evict_total{subsystem=\"cache\",outcome=\"success\",status=\"HIT\"}") == 20.0,
                expected.samples().toString());
    }

    @Test
    void aStreamStartedLateCountsTheUserOperationsItNeverSaw() throws Exception {
        TelemetryBlock truth = TelemetryBlock.of("cache", FETCH, EVICT);
        TimedOperation<FetchEvent, Outcome> fetch = truth.operation(FETCH);
        Configuration settings = Configuration.create(Path.of("jfc", "flashstrike-wal.jfc"));
        try (TelemetryBlock.Statistics statistics = truth.openStatistics()) {
            for (int i = 0; i < 50; i++) {
                FETCH.record(fetch, System.nanoTime(), Outcome.HIT); // before any stream: never seen
            }
            try (WalEventStream stream = WalEventStream.inProcess(settings, new WalRecoveryMetrics(),
                    List.of(TelemetryBlock.of("cache", FETCH, EVICT)))) {
                stream.start();
                for (int i = 0; i < 30; i++) {
                    FETCH.record(fetch, System.nanoTime(), Outcome.MISS);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while ((stream.missingEvents("fetch") != 50 || stream.eventsSeen() < 30) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(30, stream.eventsSeen(), "the fetches after the start, folded");
                assertEquals(80, stream.producerTotal("fetch"), "the block's own total, from its statistics");
                assertEquals(50, stream.missingEvents("fetch"), "the fetches before the start, counted as missing");
                assertEquals(0, stream.missingEvents("evict"), "no evictions, none missing");
            }
        }
    }
}

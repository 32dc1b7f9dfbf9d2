package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.export.WalMetricsSource;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import io.flashstrike.wal.stream.WalEventStream;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.ValueDescriptor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's tables name what the code has: every event field, every metric family. */
class ReadmeClaimsTest {
    private static final Path README = Path.of("README.md");
    /** Fields JFR gives every event. */
    private static final Set<String> IMPLICIT = Set.of("startTime", "duration", "eventThread", "stackTrace");

    @Test
    void theEventTableListsExactlyEachEventsFields() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        for (Class<? extends jdk.jfr.Event> c : List.of(PreloadSegmentEvent.class, FinishSegmentEvent.class,
                SegmentPreloaderStatisticsEvent.class, WaitForSegmentEvent.class, ReadSegmentEvent.class, RecoveryEvent.class)) {
            EventType type = EventType.getEventType(c);
            Matcher row = Pattern.compile("(?m)^\\| `" + Pattern.quote(type.getName()) + "` \\|[^|]*\\|([^\\n]*)\\|$").matcher(readme);
            assertTrue(row.find(), type.getName() + " has no row in the README's event table");
            Set<String> documented = new TreeSet<>();
            Matcher f = Pattern.compile("`([A-Za-z0-9]+)`").matcher(row.group(1));
            while (f.find()) {
                documented.add(f.group(1));
            }
            Set<String> actual = new TreeSet<>();
            for (ValueDescriptor v : type.getFields()) {
                if (!IMPLICIT.contains(v.getName())) {
                    actual.add(v.getName());
                }
            }
            assertEquals(actual, documented, type.getName());
            // "off unless the .jfc turns it on" holds for the periodic event alone
            jdk.jfr.Enabled enabled = c.getAnnotation(jdk.jfr.Enabled.class);
            assertEquals(c == SegmentPreloaderStatisticsEvent.class, enabled != null && !enabled.value(), type.getName() + " @Enabled");
        }
        assertTrue(readme.contains("**off unless the `.jfc` turns it on**"), "the statistics row says so");
    }

    @Test
    void everyFamilyTheCodeExportsIsNamedInTheReadme() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        new ManagerUpdater(metrics.manager()).onRecover(System.nanoTime(), new RunSummary(Status.CHECKSUM_MISMATCH, "/wal",
                "tolerate-tail", 1, 1, 1, 1, 1, 0, "x", new Anomaly("BAD_RECORD_CRC", "failed"), new RunSummary.Position(0, 64, 1), false));
        String text;
        try (WalEventStream stream = WalEventStream.inProcess(Configuration.getConfiguration("default"), new WalRecoveryMetrics())) {
            text = WalMetricsSource.text(c -> {
                metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
                stream.collectHealth(WalRecoveryMetrics.DEFAULT_PREFIX, c);
            });
        }
        Set<String> missing = new TreeSet<>();
        Matcher type = Pattern.compile("(?m)^# TYPE flashstrike_wal_(\\w+) ").matcher(text);
        int families = 0;
        while (type.find()) {
            families++;
            // Operation families are documented once by their stem (`preload_segment`, ..., "the same").
            String stem = type.group(1).replaceFirst("_duration(_min|_max)?_seconds$", "").replaceFirst("^(\\w+_segment|recover|stream_lag)_total$", "$1");
            if (!readme.contains(stem)) {
                missing.add(type.group(1) + " (" + stem + ")");
            }
        }
        assertTrue(families > 15, text);
        assertTrue(missing.isEmpty(), "families the README does not name: " + missing);
        assertFalse(readme.contains("`…_stream_lag` "), "the lag is not a family of that name");
    }
}

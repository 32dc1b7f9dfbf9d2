package io.flashstrike.wal.report.rule;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import io.flashstrike.wal.report.RuleRecordings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.ResultToolkit;
import org.openjdk.jmc.flightrecorder.rules.RuleRegistry;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RunnableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule on recordings of known behaviour, evaluated as JDK Mission Control evaluates it. */
class WalRecoveryRuleTest {
    @TempDir
    static Path dir;
    static IItemCollection stalled;
    static IItemCollection healthy;
    static IItemCollection failures;
    static IItemCollection slowFinish;

    @BeforeAll
    static void record() throws Exception {
        stalled = JfrLoaderToolkit.loadEvents(RuleRecordings.stalled(dir.resolve("stalled.jfr")).toFile());
        healthy = JfrLoaderToolkit.loadEvents(RuleRecordings.healthy(dir.resolve("healthy.jfr")).toFile());
        failures = JfrLoaderToolkit.loadEvents(RuleRecordings.mixed(dir.resolve("mixed.jfr")).toFile());
        slowFinish = JfrLoaderToolkit.loadEvents(RuleRecordings.slowFinish(dir.resolve("slow-finish.jfr")).toFile());
    }

    @Test
    void replayThatWaitedOnThePreloaderScoresWarning() throws Exception {
        IResult r = evaluate(stalled, IPreferenceValueProvider.DEFAULT_VALUES);
        assertTrue(r.getSeverity().compareTo(Severity.WARNING) >= 0, "severity " + r.getSeverity());
        assertTrue(score(r, TypedResult.SCORE) >= 75);
        assertTrue(score(r, WalRecoveryRule.STALL_SCORE) >= 75);
        double share = r.getResult(WalRecoveryRule.STALL_SHARE).doubleValueIn(UnitLookup.PERCENT_UNITY);
        // 7 waits of >= 3 ms after the first, 8 reads of >= 1 ms: at least 7*3 / (7*3 + 8*1 + slack).
        assertTrue(share > 0.5 && share < 1, "stalled share " + share);
        assertTrue(r.getResult(WalRecoveryRule.STALLED).longValueIn(UnitLookup.NANOSECOND) >= 21_000_000L);
        assertTrue(r.getResult(WalRecoveryRule.FILL_WAIT).longValueIn(UnitLookup.NANOSECOND) >= 3_000_000L);
        assertTrue(summary(r).startsWith("The preloader fell behind replay: replay was blocked for "), summary(r));
        assertEquals(0, score(r, WalRecoveryRule.FAILURE_SCORE));
    }

    @Test
    void aHealthyRecoveryScoresOk() throws Exception {
        IResult r = evaluate(healthy, IPreferenceValueProvider.DEFAULT_VALUES);
        assertEquals(Severity.OK, r.getSeverity(), summary(r));
        assertTrue(score(r, TypedResult.SCORE) < 25, "score " + score(r, TypedResult.SCORE));
        assertTrue(r.getResult(WalRecoveryRule.FILL_WAIT).longValueIn(UnitLookup.NANOSECOND) >= 2_000_000L,
                "the 2 ms first wait is pipeline fill, not scored");
        assertTrue(summary(r).startsWith("The preloader kept ahead of replay, no preload failed"), summary(r));
    }

    @Test
    void failedPreloadsScoreWarningAndNameTheFirst() throws Exception {
        IResult r = evaluate(failures, IPreferenceValueProvider.DEFAULT_VALUES);
        assertEquals(Severity.WARNING, r.getSeverity());
        assertEquals(7, r.getResult(WalRecoveryRule.PRELOAD_FAILURES).longValue());
        assertTrue(score(r, WalRecoveryRule.FAILURE_SCORE) >= 75);
        assertEquals("segment 3 /wal/00000000000000000003.wal: CHECKSUM_MISMATCH (bad record at offset 192)",
                r.getResult(WalRecoveryRule.FIRST_FAILURE));
        assertTrue(summary(r).startsWith("7 segment preload(s) failed; first: segment 3"), summary(r));
    }

    @Test
    void aSlowFinishIsAnOutlier() throws Exception {
        IResult r = evaluate(slowFinish, IPreferenceValueProvider.DEFAULT_VALUES);
        assertEquals(Severity.WARNING, r.getSeverity());
        assertTrue(score(r, WalRecoveryRule.FINISH_SCORE) >= 75);
        assertTrue(r.getResult(WalRecoveryRule.LONGEST_FINISH).longValueIn(UnitLookup.NANOSECOND) >= 30_000_000L);
        assertEquals("segment 5 /wal/00000000000000000005.wal", r.getResult(WalRecoveryRule.LONGEST_FINISH_SEGMENT));
        assertTrue(summary(r).startsWith("A segment finish took "), summary(r));
    }

    @Test
    void thresholdsArePreferencesAsInMissionControl() throws Exception {
        IPreferenceValueProvider lenient = new IPreferenceValueProvider() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T getPreferenceValue(TypedPreference<T> p) {
                if (p == WalRecoveryRule.STALL_WARNING) {
                    return (T) UnitLookup.PERCENT.quantity(95);
                }
                return p.getDefaultValue();
            }
        };
        IResult r = evaluate(stalled, lenient);
        assertEquals(Severity.INFO, r.getSeverity(), "a 95 % warning limit makes a ~70 % stall informational: " + score(r, TypedResult.SCORE));
    }

    @Test
    void failureScoreIsMonotonicAndWarnsFromTheLimit() {
        assertEquals(0, WalRecoveryRule.failureScore(0, 1));
        assertTrue(WalRecoveryRule.failureScore(1, 1) >= 75);
        assertTrue(WalRecoveryRule.failureScore(1, 3) >= 25 && WalRecoveryRule.failureScore(1, 3) < 75);
        assertTrue(WalRecoveryRule.failureScore(3, 3) >= 75);
        double prev = 0;
        for (int n = 1; n < 50; n++) {
            double s = WalRecoveryRule.failureScore(n, 2);
            assertTrue(s >= prev && s <= 100, n + ": " + s);
            prev = s;
        }
    }

    @Test
    void serviceLoaderFindsItNextToTheJdkRules() {
        List<IRule> rules = List.copyOf(RuleRegistry.getRules());
        assertEquals(1, rules.stream().filter(r -> r instanceof WalRecoveryRule).count());
        assertTrue(rules.stream().anyMatch(r -> r.getClass().getName().startsWith("org.openjdk.jmc.flightrecorder.rules.jdk.")),
                "the JDK rules are on the class path too");
        IRule ours = rules.stream().filter(r -> r.getId().equals(WalRecoveryRule.ID)).findFirst().orElseThrow();
        assertEquals(Map.of(WalEventTypes.PRELOAD_SEGMENT, RulesToolkit.EventAvailability.ENABLED), ours.getRequiredEvents());
        assertTrue(RulesToolkit.matchesEventAvailabilityMap(healthy, ours.getRequiredEvents()));
    }

    @Test
    void eventNamesMatchTheEventClasses() {
        assertEquals(PreloadSegmentEvent.NAME, WalEventTypes.PRELOAD_SEGMENT);
        assertEquals(FinishSegmentEvent.NAME, WalEventTypes.FINISH_SEGMENT);
        assertEquals(WaitForSegmentEvent.NAME, WalEventTypes.WAIT_FOR_SEGMENT);
        assertEquals(ReadSegmentEvent.NAME, WalEventTypes.READ_SEGMENT);
        assertEquals(RecoveryEvent.NAME, WalEventTypes.RECOVERY);
        assertEquals(SegmentPreloaderStatisticsEvent.NAME, WalEventTypes.PRELOADER_STATISTICS);
    }

    static IResult evaluate(IItemCollection items, IPreferenceValueProvider prefs) throws Exception {
        RunnableFuture<IResult> f = new WalRecoveryRule().createEvaluation(items, prefs, null);
        f.run();
        return f.get();
    }

    static double score(IResult r, TypedResult<IQuantity> which) {
        return r.getResult(which).doubleValue();
    }

    static String summary(IResult r) {
        return ResultToolkit.populateMessage(r, r.getSummary(), false);
    }
}

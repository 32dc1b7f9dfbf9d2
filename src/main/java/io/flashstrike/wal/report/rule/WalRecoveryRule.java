package io.flashstrike.wal.report.rule;

import org.openjdk.jmc.common.item.Aggregators;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.JfrAttributes;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IResultValueProvider;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.ResultBuilder;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit.EventAvailability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;

/**
 * JMC automated-analysis rule for the WAL recovery pipeline. It scores three things and reports
 * the worst:
 * <ol>
 *   <li><b>the preloader falling behind replay</b>: the share of the replay thread's busy time it
 *   spent blocked in {@code WaitForSegment} after the first hand-over ({@link ReplayWait});
 *   25 at {@link #STALL_INFO}, 75 at {@link #STALL_WARNING}, exponential in between and above;</li>
 *   <li><b>preload failures</b>: any {@code PreloadSegment} whose status is not {@code OK} (a
 *   corrupt or unreadable segment) scores at least 75 from {@link #FAILURE_WARNING} failures on;</li>
 *   <li><b>finish latency outliers</b>: the longest {@code FinishSegment} (close + unmap, on the
 *   preloader's thread, so it delays the next preload); 25 at {@link #FINISH_INFO}, 75 at
 *   {@link #FINISH_WARNING}.</li>
 * </ol>
 * Registered through {@code META-INF/services/org.openjdk.jmc.flightrecorder.rules.IRule}, so
 * {@code RuleRegistry.getRules()} finds it, in our {@code report} command and in JDK Mission
 * Control when the plug-in jar is installed (README, "Analysing a recording").
 */
public final class WalRecoveryRule implements IRule {
    public static final String ID = "FlashstrikeWalRecovery";
    public static final String TOPIC = "flashstrike_wal";

    public static final TypedPreference<IQuantity> STALL_INFO = new TypedPreference<>("flashstrike.wal.stall.info",
            "Replay stall info limit", "Share of replay time blocked on the preloader (after the first segment) that scores 25",
            UnitLookup.PERCENTAGE, UnitLookup.PERCENT.quantity(5));
    public static final TypedPreference<IQuantity> STALL_WARNING = new TypedPreference<>("flashstrike.wal.stall.warning",
            "Replay stall warning limit", "Share of replay time blocked on the preloader (after the first segment) that scores 75",
            UnitLookup.PERCENTAGE, UnitLookup.PERCENT.quantity(15));
    public static final TypedPreference<IQuantity> FAILURE_WARNING = new TypedPreference<>("flashstrike.wal.failures.warning",
            "Preload failure warning count", "Number of failed segment preloads from which the rule warns",
            UnitLookup.NUMBER, UnitLookup.NUMBER_UNITY.quantity(1));
    public static final TypedPreference<IQuantity> FINISH_INFO = new TypedPreference<>("flashstrike.wal.finish.info",
            "Finish info limit", "Longest segment finish (close + unmap) that scores 25",
            UnitLookup.TIMESPAN, UnitLookup.MILLISECOND.quantity(5));
    public static final TypedPreference<IQuantity> FINISH_WARNING = new TypedPreference<>("flashstrike.wal.finish.warning",
            "Finish warning limit", "Longest segment finish (close + unmap) that scores 75",
            UnitLookup.TIMESPAN, UnitLookup.MILLISECOND.quantity(20));

    public static final TypedResult<IQuantity> STALL_SHARE = new TypedResult<>("stallShare", "Replay stalled",
            "Share of the replay thread's busy time blocked on the preloader after the first segment", UnitLookup.PERCENTAGE, IQuantity.class);
    public static final TypedResult<IQuantity> STALLED = new TypedResult<>("stalled", "Replay stalled time",
            "Time the replay thread waited on the preloader after the first segment", UnitLookup.TIMESPAN, IQuantity.class);
    public static final TypedResult<IQuantity> FILL_WAIT = new TypedResult<>("fillWait", "Pipeline fill wait",
            "The replay thread's first wait, for the first segment", UnitLookup.TIMESPAN, IQuantity.class);
    public static final TypedResult<IQuantity> PRELOAD_FAILURES = new TypedResult<>("preloadFailures", "Preload failures",
            "Segment preloads whose status is not OK", UnitLookup.NUMBER, IQuantity.class);
    public static final TypedResult<String> FIRST_FAILURE = new TypedResult<>("firstFailure", "First preload failure",
            "Segment, path, status and detail of the first failed preload", UnitLookup.PLAIN_TEXT, String.class);
    public static final TypedResult<IQuantity> LONGEST_FINISH = new TypedResult<>("longestFinish", "Longest finish",
            "The longest segment finish (close + unmap)", UnitLookup.TIMESPAN, IQuantity.class);
    public static final TypedResult<String> LONGEST_FINISH_SEGMENT = new TypedResult<>("longestFinishSegment",
            "Longest finish segment", "Segment id and path of the longest finish", UnitLookup.PLAIN_TEXT, String.class);
    public static final TypedResult<IQuantity> STALL_SCORE = subScore("stallScore", "Stall score");
    public static final TypedResult<IQuantity> FAILURE_SCORE = subScore("failureScore", "Preload failure score");
    public static final TypedResult<IQuantity> FINISH_SCORE = subScore("finishScore", "Finish outlier score");

    private static final Map<String, EventAvailability> REQUIRED_EVENTS = RulesToolkit.RequiredEventsBuilder.create()
            .addEventType(WalEventTypes.PRELOAD_SEGMENT, EventAvailability.ENABLED).build();
    private static final List<TypedPreference<?>> PREFERENCES = List.of(STALL_INFO, STALL_WARNING, FAILURE_WARNING,
            FINISH_INFO, FINISH_WARNING);
    private static final List<TypedResult<?>> RESULTS = List.of(TypedResult.SCORE, STALL_SHARE, STALLED, FILL_WAIT,
            PRELOAD_FAILURES, FIRST_FAILURE, LONGEST_FINISH, LONGEST_FINISH_SEGMENT, STALL_SCORE, FAILURE_SCORE, FINISH_SCORE);

    private static TypedResult<IQuantity> subScore(String id, String name) {
        return new TypedResult<>(id, name, name + " (0-100)", UnitLookup.NUMBER, IQuantity.class);
    }

    @Override
    public RunnableFuture<IResult> createEvaluation(IItemCollection items, IPreferenceValueProvider preferences,
                                                    IResultValueProvider dependencyResults) {
        return new FutureTask<>(() -> evaluate(items, preferences));
    }

    /** Scores {@code items}; what {@link #createEvaluation} runs. */
    public IResult evaluate(IItemCollection items, IPreferenceValueProvider vp) {
        ReplayWait wait = ReplayWait.of(items);
        double stallScore = wait.hasReplay() ? RulesToolkit.mapExp100(wait.stalledShare(),
                fraction(vp.getPreferenceValue(STALL_INFO)), fraction(vp.getPreferenceValue(STALL_WARNING))) : 0;

        IItemCollection preloads = WalEventTypes.ofType(items, WalEventTypes.PRELOAD_SEGMENT);
        List<String> failures = failures(preloads);
        long warnAt = Math.max(1, vp.getPreferenceValue(FAILURE_WARNING).clampedLongValueIn(UnitLookup.NUMBER_UNITY));
        double failureScore = failureScore(failures.size(), warnAt);

        IItemCollection finishes = WalEventTypes.ofType(items, WalEventTypes.FINISH_SEGMENT);
        IItem longest = finishes.getAggregate(Aggregators.itemWithMax(JfrAttributes.DURATION));
        IQuantity longestFinish = longest == null ? UnitLookup.NANOSECOND.quantity(0) : RulesToolkit.getDuration(longest);
        double finishScore = longest == null ? 0 : RulesToolkit.mapExp100(longestFinish.doubleValueIn(UnitLookup.SECOND),
                vp.getPreferenceValue(FINISH_INFO).doubleValueIn(UnitLookup.SECOND),
                vp.getPreferenceValue(FINISH_WARNING).doubleValueIn(UnitLookup.SECOND));

        double score = Math.max(stallScore, Math.max(failureScore, finishScore));
        ResultBuilder b = ResultBuilder.createFor(this, vp).setSeverity(Severity.get(score))
                .addResult(TypedResult.SCORE, UnitLookup.NUMBER_UNITY.quantity(score))
                .addResult(STALL_SHARE, UnitLookup.PERCENT_UNITY.quantity(wait.stalledShare()))
                .addResult(STALLED, UnitLookup.NANOSECOND.quantity(wait.stalledNanos()))
                .addResult(FILL_WAIT, UnitLookup.NANOSECOND.quantity(wait.fillNanos()))
                .addResult(PRELOAD_FAILURES, UnitLookup.NUMBER_UNITY.quantity(failures.size()))
                .addResult(FIRST_FAILURE, failures.isEmpty() ? "none" : failures.get(0))
                .addResult(LONGEST_FINISH, longestFinish)
                .addResult(LONGEST_FINISH_SEGMENT, longest == null ? "none" : describe(longest))
                .addResult(STALL_SCORE, UnitLookup.NUMBER_UNITY.quantity(stallScore))
                .addResult(FAILURE_SCORE, UnitLookup.NUMBER_UNITY.quantity(failureScore))
                .addResult(FINISH_SCORE, UnitLookup.NUMBER_UNITY.quantity(finishScore));
        b.setExplanation("Replay was blocked on the preloader for {stalled} after the first segment ({stallShare} of its"
                + " busy time; the pipeline fill wait of {fillWait} is not scored). Failed preloads: {preloadFailures}"
                + " (first: {firstFailure}). Longest segment finish: {longestFinish} ({longestFinishSegment}).");
        if (score == failureScore && failureScore >= Severity.INFO.getLimit()) {
            b.setSummary("{preloadFailures} segment preload(s) failed; first: {firstFailure}.")
                    .setSolution("A failed preload stops recovery at that segment: check the file named in the detail"
                            + " (corruption, truncation, permissions) before replaying past it.");
        } else if (score == stallScore && stallScore >= Severity.INFO.getLimit()) {
            b.setSummary("The preloader fell behind replay: replay was blocked for {stalled} ({stallShare} of its busy time)"
                    + " after the first segment.")
                    .setSolution("Preload further ahead (a larger lookahead K), or make preloading cheaper:"
                            + " faster storage, a warm page cache, smaller segments.");
        } else if (score == finishScore && finishScore >= Severity.INFO.getLimit()) {
            b.setSummary("A segment finish took {longestFinish} ({longestFinishSegment}).")
                    .setSolution("Finishing runs on the preloader's thread and delays the next preload: look for"
                            + " unmap or close stalls (memory pressure, a slow file system).");
        } else if (!wait.hasReplay() && longest == null && WalEventTypes.count(preloads) == 0) {
            b.setSummary("The recording has no WAL recovery events to judge.");
        } else {
            b.setSummary("The preloader kept ahead of replay, no preload failed and no segment finish was slow"
                    + " (longest {longestFinish}).");
        }
        return b.build();
    }

    /** Failure score: 0 without failures, 75 (warning) at {@code warnAt} failures, approaching 100 above. */
    static double failureScore(long failures, long warnAt) {
        if (failures == 0) {
            return 0;
        }
        if (failures < warnAt) {
            return 25 + 50.0 * (failures - 1) / Math.max(1, warnAt - 1);
        }
        return Math.min(100, 75 + 25 * (1 - (double) warnAt / (failures + 1)));
    }

    private static double fraction(IQuantity percentage) {
        return percentage.doubleValueIn(UnitLookup.PERCENT_UNITY);
    }

    /** @return one line per failed preload, in start-time order */
    private static List<String> failures(IItemCollection preloads) {
        record Failure(long start, String line) {
        }
        List<Failure> found = new ArrayList<>();
        for (IItemIterable it : preloads) {
            IType<IItem> type = it.getType();
            for (IItem item : it) {
                String status = WalEventTypes.value(type, item, WalEventTypes.STATUS);
                if (status != null && !status.equals(WalEventTypes.OK)) {
                    String detail = WalEventTypes.value(type, item, WalEventTypes.DETAIL);
                    long start = WalEventTypes.longValue(WalEventTypes.value(type, item, JfrAttributes.START_TIME),
                            UnitLookup.EPOCH_NS, 0);
                    found.add(new Failure(start, segment(type, item) + ": " + status
                            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")));
                }
            }
        }
        found.sort(Comparator.comparingLong(Failure::start));
        return found.stream().map(Failure::line).toList();
    }

    @SuppressWarnings("unchecked")
    private static String describe(IItem item) {
        return segment((IType<IItem>) item.getType(), item);
    }

    private static String segment(IType<IItem> type, IItem item) {
        Number id = WalEventTypes.value(type, item, WalEventTypes.SEGMENT_ID);
        String path = WalEventTypes.value(type, item, WalEventTypes.PATH);
        return "segment " + (id == null ? "?" : Long.toString(id.longValue())) + (path == null ? "" : " " + path);
    }

    @Override
    public Collection<TypedPreference<?>> getConfigurationAttributes() {
        return PREFERENCES;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getName() {
        return "Flashstrike WAL recovery";
    }

    @Override
    public String getTopic() {
        return TOPIC;
    }

    @Override
    public Map<String, EventAvailability> getRequiredEvents() {
        return REQUIRED_EVENTS;
    }

    @Override
    public Collection<TypedResult<?>> getResults() {
        return RESULTS;
    }
}

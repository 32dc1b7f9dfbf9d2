package io.flashstrike.wal.report;

import io.flashstrike.wal.report.rule.WalRecoveryRule;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.RuleRegistry;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Runs the automated-analysis rules found by {@link RuleRegistry} (ServiceLoader: ours from this
 * jar, the JDK's from {@code flightrecorder.rules.jdk}) the way JDK Mission Control does: rules
 * whose required events are missing, or whose dependency did not fire, are not applicable.
 */
final class RuleRunner {
    /** Results worth printing (OK, INFO, WARNING), worst first, and how many rules did not apply. */
    record Outcomes(List<RuleOutcome> results, int notApplicable, int failed) {
        static final Outcomes NONE = new Outcomes(List.of(), 0, 0);
    }

    private RuleRunner() {
    }

    static Outcomes run(IItemCollection items, RecordingReport.Rules set) {
        if (set == RecordingReport.Rules.NONE) {
            return Outcomes.NONE;
        }
        Collection<IRule> rules = RuleRegistry.getRules().stream()
                .filter(r -> set == RecordingReport.Rules.ALL || r instanceof WalRecoveryRule).toList();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        Map<IRule, Future<IResult>> futures = RulesToolkit.evaluateParallel(rules, items,
                IPreferenceValueProvider.DEFAULT_VALUES, threads);
        List<RuleOutcome> results = new ArrayList<>();
        int notApplicable = 0;
        int failed = 0;
        for (Map.Entry<IRule, Future<IResult>> e : futures.entrySet()) {
            IResult r;
            try {
                r = e.getValue().get();
            } catch (ExecutionException ex) {
                failed++;
                continue;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            if (r == null || r.getSeverity() == Severity.NA || r.getSeverity() == Severity.IGNORE) {
                notApplicable++;
                continue;
            }
            IQuantity score = r.getResult(TypedResult.SCORE);
            IRule rule = e.getKey();
            RuleText text = RuleText.of(r);
            results.add(new RuleOutcome(rule.getId(), rule.getName(), rule.getTopic(), r.getSeverity(),
                    score == null ? Double.NaN : score.doubleValue(), text.render(r.getSummary()),
                    text.render(r.getExplanation()), text.render(r.getSolution()), rule instanceof WalRecoveryRule));
        }
        results.sort(Comparator.comparing(RuleOutcome::severity).reversed()
                .thenComparing(Comparator.comparingDouble((RuleOutcome o) -> Double.isNaN(o.score()) ? -1 : o.score()).reversed())
                .thenComparing(RuleOutcome::ruleId));
        return new Outcomes(List.copyOf(results), notApplicable, failed);
    }
}

package io.flashstrike.wal.report;

import org.openjdk.jmc.flightrecorder.rules.Severity;

/**
 * One automated-analysis result, as printed.
 *
 * @param ruleId      the rule's id, e.g. {@code FlashstrikeWalRecovery}
 * @param name        the rule's name
 * @param topic       the rule's topic
 * @param severity    OK, INFO or WARNING (not-applicable results are only counted)
 * @param score       0 to 100; NaN when the rule gave none
 * @param summary     one sentence, values filled in
 * @param explanation more detail, may be empty
 * @param solution    what to do, may be empty
 * @param ours        whether it is this project's rule (not one of the JDK's)
 */
public record RuleOutcome(String ruleId, String name, String topic, Severity severity, double score, String summary,
                          String explanation, String solution, boolean ours) {
    /** @return the severity's name (OK, INFO, WARNING), for callers that may not see JMC's types (the CLI) */
    public String level() {
        return severity.name();
    }
}

package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.faults.FaultCase.Action;
import io.flashstrike.wal.recovery.faults.FaultCase.Kind;
import io.flashstrike.wal.recovery.faults.FaultCase.Site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Renders the fault matrix as the Markdown table of {@code docs/RECOVERY.md}: from the same cases,
 * kinds and expected sites that {@link FaultMatrixTest} asserts, each computed on a freshly
 * damaged log, so the table says exactly what the tests prove.
 */
final class RecoveryTable {
    static final String BEGIN = "<!-- fault-matrix:begin (generated from FaultMatrix by RecoveryDocTest; do not edit) -->";
    static final String END = "<!-- fault-matrix:end -->";

    private RecoveryTable() {
    }

    static String render() throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("| # | fault, injected on real files | reason | stops at | strict | tolerate-tail | point-in-time"
                + " | kept | dropped bytes | `--repair` |\n");
        sb.append("|---|---|---|---|---|---|---|---|--:|---|\n");
        for (FaultCase c : FaultMatrix.CASES) {
            Path tmp = Files.createTempDirectory("fault-" + c.id());
            try {
                Scenario sc = Scenario.prepare(c, tmp);
                sb.append("| ").append(c.id())
                        .append(" | ").append(c.title())
                        .append(" | ").append(c.reason() == null ? "—" : "`" + c.reason() + "`")
                        .append(" | ").append(where(sc))
                        .append(" | ").append(outcome(c, RecoveryMode.STRICT))
                        .append(" | ").append(outcome(c, RecoveryMode.TOLERATE_TAIL))
                        .append(" | ").append(outcome(c, RecoveryMode.POINT_IN_TIME))
                        .append(" | ").append(sc.delivered() == 0 ? "none"
                                : "LSN " + sc.log.summary.firstLsn() + "–" + sc.lastValidLsn())
                        .append(" | ").append(sc.dropped())
                        .append(" | ").append(repair(sc))
                        .append(" |\n");
            } finally {
                try (Stream<Path> files = Files.walk(tmp)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String where(Scenario sc) {
        Site s = sc.site;
        if (sc.fault.kind() == Kind.CLEAN) {
            return "—";
        }
        if (s.index() < 0) {
            return "the directory";
        }
        return "seg " + s.segmentId() + " @ " + s.offset() + ", LSN " + s.lsn();
    }

    private static String outcome(FaultCase c, RecoveryMode mode) {
        Action a = c.action(mode);
        int exit = c.exitCode(mode);
        return (exit == 0 ? "0" : "**" + exit + "**") + " " + a.label();
    }

    private static String repair(Scenario sc) {
        FaultCase c = sc.fault;
        boolean tt = c.repairs(RecoveryMode.TOLERATE_TAIL);
        boolean pit = c.repairs(RecoveryMode.POINT_IN_TIME);
        if (!tt && !pit) {
            return c.kind() == Kind.CLEAN ? "nothing to do" : "nothing: the run fails";
        }
        if (!sc.repairChangesFiles()) {
            return "nothing to cut";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        Site s = sc.site;
        byte[] file = sc.damaged.get(s.file().getFileName().toString());
        if (s.verified() && file != null && s.validEnd() == 0) {
            parts.add("seg " + s.segmentId() + " (" + file.length + " B) moved aside whole as `.broken` (nothing of it continues"
                    + " the log)");
        } else if (s.verified() && file != null && file.length > s.validEnd()) {
            parts.add("seg " + s.segmentId() + " cut at " + s.validEnd() + " B, zero-filled to its size (original kept as"
                    + " `.broken`)");
        } else if (s.verified() && file != null && file.length < FaultMatrix.SEGMENT_SIZE) {
            parts.add("seg " + s.segmentId() + " zero-filled from " + file.length + " B to its size");
        }
        long later = sc.laterSegments();
        if (later > 0) {
            parts.add(later + " later segment" + (later > 1 ? "s" : "") + " moved aside as `.broken`");
        }
        return (tt ? "" : "point-in-time only: ") + String.join(", ", parts);
    }
}

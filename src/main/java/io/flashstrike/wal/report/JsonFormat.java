package io.flashstrike.wal.report;

import io.flashstrike.wal.report.rule.ReplayWait;

import java.time.Instant;
import java.util.Map;

/**
 * The report as one JSON object. Durations are integer nanoseconds (the mean may have a
 * fraction), times are ISO-8601 instants next to their epoch nanoseconds.
 *
 * <pre>{@code
 * {"file": ..., "walEvents": true, "eventCount": N,
 *  "eventTypes": [{"type": "flashstrike.wal.PreloadSegment", "label": ..., "count": 24, "failures": 6,
 *                  "failuresByStatus": {"CHECKSUM_MISMATCH": 6},
 *                  "durationNanos": {"min", "mean", "p50", "p90", "p99", "p99.9", "max", "total"},
 *                  "bytes": ..., "mbPerSecondBusy": ..., "mbPerSecondSpan": ... (preloads, reads, recoveries),
 *                  "slowest": [{"start", "startEpochNanos", "durationNanos", "segmentId", "path", "status"}]}],
 *  "replayWait": {"waits", "totalNanos", "fillNanos", "stalledNanos", "readNanos", "stalledShare"},
 *  "rules": [{"id", "name", "topic", "severity", "score", "summary", "explanation", "solution", "ours"}],
 *  "rulesNotApplicable": N, "rulesFailed": N}
 * }</pre>
 */
final class JsonFormat {
    private final RecordingReport report;

    JsonFormat(RecordingReport report) {
        this.report = report;
    }

    String render() {
        JsonWriter j = new JsonWriter().beginObject();
        j.field("file", report.file().toString());
        j.field("parser", "JMC core (org.openjdk.jmc:flightrecorder)");
        j.field("walEvents", report.hasWalEvents());
        j.field("eventCount", report.eventCount());
        if (!report.hasWalEvents()) {
            j.field("note", report.noEventsSentence());
        }
        j.name("eventTypes").beginArray();
        for (EventStats s : report.byType().values()) {
            eventType(j, s);
        }
        j.endArray();
        ReplayWait w = report.replayWait();
        j.name("replayWait").beginObject()
                .field("waits", w.waits()).field("totalNanos", w.totalNanos()).field("fillNanos", w.fillNanos())
                .field("stalledNanos", w.stalledNanos()).field("readNanos", w.readNanos())
                .field("stalledShare", w.stalledShare()).endObject();
        j.name("rules").beginArray();
        for (RuleOutcome r : report.ruleResults()) {
            j.beginObject().field("id", r.ruleId()).field("name", r.name()).field("topic", r.topic())
                    .field("severity", r.severity().name()).field("score", r.score()).field("summary", r.summary())
                    .field("explanation", r.explanation()).field("solution", r.solution()).field("ours", r.ours())
                    .endObject();
        }
        j.endArray();
        j.field("rulesNotApplicable", report.rulesNotApplicable());
        j.field("rulesFailed", report.rulesFailed());
        return j.endObject().toString() + "\n";
    }

    private void eventType(JsonWriter j, EventStats s) {
        j.beginObject().field("type", s.type()).field("label", s.label()).field("count", s.count())
                .field("failures", s.failures());
        j.name("failuresByStatus").beginObject();
        for (Map.Entry<String, Long> e : s.failuresByStatus().entrySet()) {
            j.field(e.getKey(), e.getValue());
        }
        j.endObject();
        j.name("durationNanos").beginObject().field("min", s.minNanos()).field("mean", s.meanNanos());
        for (double p : EventStats.PERCENTILES) {
            j.field(Units.percentileLabel(p), s.percentileNanos(p));
        }
        j.field("max", s.maxNanos()).field("total", s.totalNanos()).endObject();
        if (s.hasBytes()) {
            j.field("bytes", s.bytes());
        }
        if (s.isTransfer()) {
            j.field("mbPerSecondBusy", s.busyMegabytesPerSecond()).field("mbPerSecondSpan", s.wallMegabytesPerSecond());
        }
        if (s.hasDuration() && RecordingReport.aboutSegments(s)) {
            j.name("slowest").beginArray();
            for (Operation op : s.slowest(report.slowestCount())) {
                j.beginObject().field("start", instant(op.startEpochNanos())).field("startEpochNanos", op.startEpochNanos())
                        .field("durationNanos", op.durationNanos()).field("segmentId", op.segmentId())
                        .field("path", report.pathOf(op)).field("status", op.status()).endObject();
            }
            j.endArray();
        }
        j.endObject();
    }

    static String instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }
}

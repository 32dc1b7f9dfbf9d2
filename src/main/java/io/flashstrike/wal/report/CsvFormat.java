package io.flashstrike.wal.report;

import java.util.Locale;

/**
 * The per-type table as CSV (RFC 4180: comma separated, CRLF line ends, quoted when needed), one
 * row per event type, durations in integer nanoseconds. Failures by status are one field,
 * {@code STATUS=count} pairs joined by {@code ;}; {@code mb_per_s_busy} is filled for preloads, reads and
 * recoveries. The slowest operations and the rule results
 * are in the text and JSON formats.
 */
final class CsvFormat {
    static final String HEADER = "type,count,failures,failures_by_status,min_ns,mean_ns,p50_ns,p90_ns,p99_ns,p99.9_ns,"
            + "max_ns,total_ns,bytes,mb_per_s_busy";

    private final RecordingReport report;

    CsvFormat(RecordingReport report) {
        this.report = report;
    }

    String render() {
        StringBuilder sb = new StringBuilder(HEADER).append("\r\n");
        for (EventStats s : report.byType().values()) {
            StringBuilder statuses = new StringBuilder();
            s.failuresByStatus().forEach((k, v) -> statuses.append(statuses.length() == 0 ? "" : ";").append(k).append('=').append(v));
            sb.append(field(s.type())).append(',').append(s.count()).append(',').append(s.failures()).append(',')
                    .append(field(statuses.toString())).append(',').append(s.minNanos()).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", s.meanNanos()));
            for (double p : EventStats.PERCENTILES) {
                sb.append(',').append(s.percentileNanos(p));
            }
            sb.append(',').append(s.maxNanos()).append(',').append(s.totalNanos()).append(',')
                    .append(s.hasBytes() ? Long.toString(s.bytes()) : "").append(',')
                    .append(s.isTransfer() && s.totalNanos() > 0 ? String.format(Locale.ROOT, "%.3f", s.busyMegabytesPerSecond()) : "")
                    .append("\r\n");
        }
        return sb.toString();
    }

    static String field(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}

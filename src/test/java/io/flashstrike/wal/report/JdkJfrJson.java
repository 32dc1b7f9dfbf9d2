package io.flashstrike.wal.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flashstrike.wal.testsupport.JfrTool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code flashstrike.wal.*} events of a recording as the JDK's own {@code jfr print --json} prints them. */
final class JdkJfrJson {
    /** One event: duration in ns, status/path null when absent, bytes 0 when absent. */
    record Event(String type, long durationNanos, String status, long bytes, long segmentId, String path) {
    }

    private JdkJfrJson() {
    }

    /** @return events by type id, in the tool's order */
    static Map<String, List<Event>> read(Path recording) throws Exception {
        String json = JfrTool.run(recording, "print", "--json");
        Map<String, List<Event>> byType = new TreeMap<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("recording").getAsJsonArray("events")) {
            JsonObject o = e.getAsJsonObject();
            String type = o.get("type").getAsString();
            if (!type.startsWith(RecordingReport.EVENT_PREFIX)) {
                continue;
            }
            JsonObject v = o.getAsJsonObject("values");
            byType.computeIfAbsent(type, t -> new ArrayList<>()).add(new Event(type,
                    v.has("duration") ? Duration.parse(v.get("duration").getAsString()).toNanos() : 0,
                    string(v, "status"), v.has("bytes") ? v.get("bytes").getAsLong() : 0,
                    v.has("segmentId") ? v.get("segmentId").getAsLong() : -1, string(v, "path")));
        }
        return byType;
    }

    private static String string(JsonObject v, String field) {
        return v.has(field) && !v.get(field).isJsonNull() ? v.get(field).getAsString() : null;
    }

    /** @return the exact nearest-rank percentile of {@code sorted} (p in (0, 100]) */
    static long nearestRank(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}

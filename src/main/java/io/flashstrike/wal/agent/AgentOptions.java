package io.flashstrike.wal.agent;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.NativeBuckets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's options: {@code key=value} pairs separated by commas, as in
 * {@code -javaagent:flashstrike-wal-agent.jar=port=9464,bind=127.0.0.1}. Parsing is pure string
 * work (no JFR, no logging, no I/O but a readability check), so {@code premain} can refuse bad
 * options before it starts anything.
 *
 * @param port          /metrics port; 0 picks a free one (the URL is printed)
 * @param bind          address to bind; 127.0.0.1 by default
 * @param settings      a .jfc file, or null for the shipped {@code jfc/flashstrike-wal.jfc}
 * @param dumpInterval  seconds between metric dumps on stderr; 0 for none
 * @param webConfigFile TLS and basic auth for /metrics (the CLI's {@code --web-config-file}), or
 *                      null; read and checked by the agent's own thread before it serves
 * @param nativeBuckets native histogram buckets beside the classic ones (the CLI's
 *                      {@code --native-histograms=SCHEMA}), or null for classic only
 * @param stream        {@code stream=on}: also follow this JVM's events with an in-process JFR
 *                      stream for what only it knows (lag, lost events); off by default, since
 *                      /metrics serves the registry's blocks without it
 */
public record AgentOptions(int port, String bind, Path settings, double dumpInterval, Path webConfigFile,
                           NativeBuckets nativeBuckets, boolean stream) {
    static final int DEFAULT_PORT = 9464;
    static final String DEFAULT_BIND = "127.0.0.1";

    /** @throws IllegalArgumentException one line naming the option and what is wrong with it */
    public static AgentOptions parse(String args) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (args != null && !args.isBlank()) {
            for (String part : args.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("option '" + part.strip() + "' is not key=value");
                }
                String key = part.substring(0, eq).strip();
                if (kv.put(key, part.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException("option '" + key + "' given twice");
                }
            }
        }
        int port = DEFAULT_PORT;
        String bind = DEFAULT_BIND;
        Path settings = null;
        double dump = 0;
        Path web = null;
        NativeBuckets nativeBuckets = null;
        boolean stream = false;
        for (Map.Entry<String, String> e : kv.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "port" -> port = port(v);
                case "bind" -> {
                    if (v.isEmpty()) {
                        throw new IllegalArgumentException("option 'bind' is empty");
                    }
                    bind = v;
                }
                case "settings" -> {
                    settings = Path.of(v);
                    if (!Files.isReadable(settings)) {
                        throw new IllegalArgumentException("option 'settings': cannot read " + settings.toAbsolutePath());
                    }
                }
                case "dump-interval" -> dump = seconds(v);
                case "web-config-file" -> {
                    web = Path.of(v);
                    if (!Files.isReadable(web)) {
                        throw new IllegalArgumentException("option 'web-config-file': cannot read " + web.toAbsolutePath());
                    }
                }
                case "native-histograms" -> nativeBuckets = schema(v);
                case "stream" -> stream = onOff(v);
                default -> throw new IllegalArgumentException("unknown option '" + e.getKey()
                        + "' (known: port, bind, settings, dump-interval, web-config-file, native-histograms, stream)");
            }
        }
        if (settings != null && !stream) {
            throw new IllegalArgumentException("option 'settings' configures the JFR stream: add stream=on");
        }
        return new AgentOptions(port, bind, settings, dump, web, nativeBuckets, stream);
    }

    private static boolean onOff(String v) {
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("option 'stream': '" + v + "' is not on or off");
        };
    }

    private static int port(String v) {
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65_535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("option 'port': '" + v + "' is not a port (0-65535; 0 picks a free one)");
    }

    private static NativeBuckets schema(String v) {
        try {
            return NativeBuckets.ofSchema(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option 'native-histograms': '" + v + "' is not a schema (-4 to 8)");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option 'native-histograms': " + e.getMessage());
        }
    }

    /** The histogram layout of the agent's /metrics: the default classic bounds, native buckets if asked. */
    HistogramBounds histograms() {
        return HistogramBounds.DEFAULT.withNative(nativeBuckets);
    }

    private static double seconds(String v) {
        try {
            double s = Double.parseDouble(v);
            if (s >= 0 && !Double.isInfinite(s)) {
                return s;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("option 'dump-interval': '" + v + "' is not a number of seconds (0 for none)");
    }
}

package io.flashstrike.wal.cli;

import io.flashstrike.wal.export.PushGateway;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a batch run pushes its metrics (recover and demo); checked while parsing, so a bad value is exit 2. */
final class PushOptions {
    static final String DEFAULT_JOB = "flashstrike_wal_recovery";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--push-gateway", paramLabel = "URL",
            description = "Push every family to this Prometheus Pushgateway (POST) while the run lasts and at its end,"
                    + " e.g. http://127.0.0.1:9091. A failed push is one line on stderr; it never changes the exit code.")
    URI gateway;

    @Option(names = "--push-job", paramLabel = "NAME", description = "The job of the grouping key (default: ${DEFAULT-VALUE}).")
    String job = DEFAULT_JOB;

    Map<String, String> labels = new LinkedHashMap<>();

    // Split here, not by picocli's Map support, whose error for a value without '=' names no option.
    @Option(names = "--push-label", paramLabel = "NAME=VALUE",
            description = "A further grouping label, repeatable (e.g. instance=$(hostname), wal=orders).")
    void labels(List<String> values) {
        labels.clear();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq < 1) {
                throw new ParameterException(mixee.commandLine(), "Invalid value for option '--push-label': '" + v
                        + "' is not NAME=VALUE (e.g. instance=node-a)");
            }
            labels.put(v.substring(0, eq), v.substring(eq + 1));
        }
    }

    @Option(names = "--push-interval", paramLabel = "SECONDS",
            description = "Push this often during the run; 0 pushes only at the end (default: ${DEFAULT-VALUE}).")
    double interval = 5;

    /** @return the gateway client, or null when no {@code --push-gateway} was given */
    PushGateway gateway() {
        if (gateway == null) {
            return null;
        }
        if (!(interval >= 0) || Double.isInfinite(interval)) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--push-interval': " + interval
                    + " (0 or more seconds)");
        }
        try {
            return new PushGateway(gateway, job, labels, Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "Invalid push target: " + e.getMessage());
        }
    }
}

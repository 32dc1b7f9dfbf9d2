package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.PushGateway;
import io.flashstrike.wal.export.WalMetricsSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A batch run's pushes: every {@code interval} seconds while it runs (on a daemon thread of its
 * own, never the recovery's), then once at the end with {@code last_run_timestamp_seconds} and,
 * when the run succeeded, {@code last_success_timestamp_seconds}. A failed push is one line on
 * stderr (periodic failures once until a push succeeds again) and never changes the run.
 */
final class BatchPush implements AutoCloseable {
    static final String LAST_RUN = WalRecoveryMetrics.DEFAULT_PREFIX + "_last_run_timestamp_seconds";
    static final String LAST_SUCCESS = WalRecoveryMetrics.DEFAULT_PREFIX + "_last_success_timestamp_seconds";

    private final PushGateway gateway;
    private final HistogramBounds bounds;
    private final Consumer<MetricsCollector> exposure;
    private final PrintWriter err;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;

    BatchPush(PushGateway gateway, double intervalSeconds, HistogramBounds bounds, Consumer<MetricsCollector> exposure,
              PrintWriter err) {
        this.gateway = gateway;
        this.bounds = bounds;
        this.exposure = exposure;
        this.err = err;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flashstrike-wal-push");
            t.setDaemon(true);
            return t;
        });
        if (intervalSeconds > 0) {
            long ms = Math.max(100, (long) (intervalSeconds * 1000));
            timer.scheduleWithFixedDelay(this::pushPeriodic, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void pushPeriodic() {
        try {
            gateway.push(new WalMetricsSource(bounds, exposure).collect());
            failing = false;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                say("flashstrike-wal: " + message(e) + " (retrying every period; the recovery goes on)");
            }
        }
    }

    /** Stops the periodic pushes and pushes the end state. */
    void finish(boolean succeeded) throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(15, TimeUnit.SECONDS);
        double now = System.currentTimeMillis() / 1000.0;
        try {
            gateway.push(new WalMetricsSource(bounds, c -> {
                exposure.accept(c);
                c.gauge(LAST_RUN, "When this batch run ended (Unix time)", now);
                if (succeeded) {
                    c.gauge(LAST_SUCCESS, "When a batch run last succeeded (Unix time)", now);
                }
            }).collect());
        } catch (IOException | RuntimeException e) {
            say("flashstrike-wal: " + message(e) + " (the recovery's outcome stands)");
        }
    }

    private static String message(Exception e) {
        return e instanceof IOException ? e.getMessage() : "push failed: " + e;
    }

    private void say(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

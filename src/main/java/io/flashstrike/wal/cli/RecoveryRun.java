package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SizeParser;

import io.flashstrike.wal.recovery.RecordConsumer;
import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.MetricSamples;
import io.flashstrike.wal.recovery.telemetry.Operation64;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.stream.WalEventStream;
import io.flashstrike.wal.report.RecordingReport;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One recovery as the CLI runs it, shared by {@code recover} and {@code demo}. Quiet by default: a
 * progress bar on stderr (one line a second when stderr is not a terminal), then the summary, the
 * verdict of our rule and where the recording is. With a dump interval: the progress line and the
 * metrics dump every interval instead of the bar, then the final dump and the full report.
 */
final class RecoveryRun {
    /** The label of the dump frames. */
    static final String LABEL = "wal_recovery";

    private final Path dir;
    private final Path jfrFile;
    private final RecoveryOptions options;
    /** Null: quiet; 0: only the final dump and report; more: also the dumps while running. */
    private final Double dumpIntervalSeconds;
    private final PrintWriter out;
    private final PrintWriter progress;
    private final MetricsOptions serve;
    private final WalRecoveryMetrics metrics = new WalRecoveryMetrics();
    private io.flashstrike.wal.export.PushGateway push;
    private double pushInterval;
    private PrintWriter err;
    /** A digest of every payload, so the replay does real work on every byte it delivers. */
    private long digest;

    RecoveryRun(Path dir, Path jfrFile, RecoveryOptions options, Double dumpIntervalSeconds, MetricsOptions serve,
                PrintWriter out, PrintWriter progress) {
        this.options = options;
        this.serve = serve;
        this.dir = dir;
        this.jfrFile = jfrFile;
        this.dumpIntervalSeconds = dumpIntervalSeconds;
        this.out = out;
        this.progress = progress;
    }

    /** Pushes to {@code options}' gateway during and at the end of the run (no-op without --push-gateway). */
    RecoveryRun push(PushOptions options, PrintWriter err) {
        this.push = options.gateway();
        this.pushInterval = options.interval;
        this.err = err;
        return this;
    }

    WalRecoveryMetrics metrics() {
        return metrics;
    }

    /** Work to do once /metrics is bound, before the recovery (the demo generates its WAL here). */
    interface Before {
        void run() throws Exception;
    }

    /** Runs the recovery; prints progress, dumps, the summary and the report; returns the result. */
    RecoveryResult run() throws Exception {
        return run(() -> { });
    }

    /**
     * Binds /metrics and opens the stream, runs {@code before}, then the recovery: a port in use
     * or a bad .jfc fails before any work, {@code before}'s included.
     */
    RecoveryResult run(Before before) throws Exception {
        serve.check();
        WalOperations.register(); // before the stream and the recording start (JDK-8382242)
        Configuration settings = jfrFile == null ? null : settings();
        // A live stream only when asked: parsing our own events on the run's cores is pure cost, the
        // blocks already hold the values (the recording is checked once the run ended instead).
        WalEventStream stream = settings == null || !options.liveStream ? null
                : WalEventStream.inProcess(settings, new WalRecoveryMetrics()).missingOnlyOf(metrics.blocks());
        MetricsHttpServer server = null;
        BatchPush pusher = null;
        // This process runs one recovery: no label tells runs apart (a push adds --push-label's).
        TelemetryRegistry.Registration registration = TelemetryRegistry.global().register(Map.of(), metrics.blocks());
        // One exposure for /metrics and the push, from the registry: the same families either way.
        java.util.function.Consumer<io.flashstrike.wal.recovery.telemetry.MetricsCollector> exposure = c -> {
            registration.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
            if (stream != null) {
                stream.collectHealth(WalRecoveryMetrics.DEFAULT_PREFIX, c);
            }
        };
        Recording early = null;
        try {
            // The recording first: JFR's start-up work (class loading, compiling) overlaps the
            // server's start instead of competing with the recovery's threads for the cores.
            early = settings == null ? null : startRecording(settings);
            if (serve.enabled()) {
                server = serve.start(exposure, out);
            }
            if (push != null) {
                pusher = new BatchPush(push, pushInterval, serve.bounds(), exposure, err);
            }
            before.run();
            if (stream != null) {
                stream.start();
            }
            RecoveryResult result = runRecording(early);
            if (stream != null) {
                reportStream(stream, true);
            } else if (jfrFile != null && Files.isRegularFile(jfrFile)) {
                try (WalEventStream folded = WalEventStream.openFile(jfrFile, new WalRecoveryMetrics())) {
                    reportStream(folded.missingOnlyOf(metrics.blocks()).foldToEnd(), false);
                }
            }
            if (pusher != null) {
                pusher.finish(result.exitCode() == 0);
                out.println("pushed to " + push.uri());
                out.flush();
            }
            serve.linger(out, server == null ? null : server.url());
            return result;
        } finally {
            if (pusher != null) {
                pusher.close();
            }
            if (server != null) {
                server.close();
            }
            if (stream != null) {
                stream.close();
            }
            registration.close();
            if (early != null) {
                early.close(); // when before() or the server failed; after the run it is closed already
            }
        }
    }

    /**
     * The JFR path's mirror — the live stream's, or the finished recording's folded after the run —
     * must end equal to the in-memory metrics in every family: say whether it did and, when not,
     * which series differ and how.
     */
    private void reportStream(WalEventStream stream, boolean live) throws InterruptedException {
        long expected = WalEventStream.eventsOf(metrics);
        if (live) {
            stream.awaitSettled(metrics, Duration.ofSeconds(5));
        }
        String p = WalRecoveryMetrics.DEFAULT_PREFIX;
        MetricSamples truth = MetricSamples.of(c -> metrics.collect(p, c));
        List<String> diff = MetricSamples.differences(truth, "in-memory",
                MetricSamples.of(c -> stream.mirror().collect(p, c)), "stream");
        Operation64.Snapshot lag = stream.lag().snapshot();
        long missing = 0;
        List<String> unknown = new java.util.ArrayList<>();
        for (io.flashstrike.wal.recovery.telemetry.OperationType<?, ?> op : WalOperations.ALL) {
            long m = stream.missingEvents(op.name());
            if (m < 0) {
                unknown.add(op.name());
            } else {
                missing += m;
            }
        }
        if (dumpIntervalSeconds == null && diff.isEmpty() && stream.lostBytes() == 0 && missing == 0 && unknown.isEmpty()) {
            return; // the self-check passed: worth a line only when detail was asked for
        }
        out.printf(Locale.ROOT, "%s: %d of %d events folded, %s; lost %d bytes, missing %d events%s%n", live ? "JFR event stream" : "JFR recording, folded after the run",
                stream.eventsSeen(), expected, diff.isEmpty()
                        ? "matches the in-memory metrics in every family (" + truth.samples().size() + " series)"
                        : "DOES NOT MATCH the in-memory metrics in " + diff.size() + " of " + truth.samples().size() + " series",
                stream.lostBytes(), missing,
                live ? String.format(Locale.ROOT, "; lag event end -> /metrics: p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                        lag.percentileNanos(50) / 1e6, lag.percentileNanos(99) / 1e6, lag.maxNanos() / 1e6) : "");
        if (!unknown.isEmpty()) {
            out.println("  missing events unknown for " + String.join(", ", unknown)
                    + ": the recording has no flashstrike.wal.OperationStatistics (enable it in the .jfc)");
        }
        for (int i = 0; i < diff.size() && i < 20; i++) {
            out.println("  differs: " + diff.get(i));
        }
        if (diff.size() > 20) {
            out.println("  ... and " + (diff.size() - 20) + " more");
        }
        out.flush();
    }

    private RecoveryResult runRecording(Recording recording) throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flashstrike-wal-dump");
            t.setDaemon(true);
            return t;
        });
        long startNs = System.nanoTime();
        boolean terminal = dumpIntervalSeconds == null && Terminal.stderr();
        if (dumpIntervalSeconds == null) {
            // a bar redrawn in place on a terminal; a log gets one line a second
            long periodMs = terminal ? 100 : 1000;
            progressBar(startNs); // once before the run, discarded: see the dumps below
            ticker.scheduleAtFixedRate(() -> drawProgress(startNs, terminal), periodMs, periodMs, TimeUnit.MILLISECONDS);
        } else if (dumpIntervalSeconds > 0) {
            // Once before the run, discarded: the first tick's class loading and formatting set-up
            // then happen here, not on a third thread competing with the recovery's two.
            tickText(startNs);
            long periodMs = Math.max(1, (long) (dumpIntervalSeconds * 1000));
            ticker.scheduleAtFixedRate(() -> tick(startNs), periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
        RecoveryResult result;
        try {
            RecordConsumer apply = this::apply;
            result = new RecoveryManager(metrics, options.mode, options.repair, options.lookahead)
                    .allowEmpty(options.allowEmpty).labels(Map.of()).recover(dir, apply);
        } finally {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            if (recording != null) {
                recording.stop();
                recording.close();
            }
        }
        if (terminal && drawn) {
            synchronized (progress) {
                progress.print("\r" + progressBar(startNs) + "\n");
                progress.flush();
            }
        }
        synchronized (out) {
            if (dumpIntervalSeconds != null) {
                out.println();
                metrics.dump(LABEL, out);
            }
            printSummary(result);
            if (jfrFile != null) {
                RecordingReport report = RecordingReport.load(jfrFile, dumpIntervalSeconds == null
                        ? new RecordingReport.Options(0, RecordingReport.Rules.WAL) : RecordingReport.Options.DEFAULT);
                if (dumpIntervalSeconds != null) {
                    out.println();
                    report.printText(out);
                } else {
                    printVerdict(report);
                }
                out.printf("JFR recording: %s%n  open it in JDK Mission Control (File > Open File), or: jfr print --events 'flashstrike.wal.*' %s%n",
                        jfrFile.toAbsolutePath(), jfrFile);
                if (dumpIntervalSeconds == null) {
                    out.printf("  the full report: flashstrike-wal report %s%n", jfrFile);
                }
            }
            out.flush();
        }
        return result;
    }

    /** Our rule's result in one line (and what to do, when it asks for something), not the whole report. */
    private void printVerdict(RecordingReport report) {
        for (io.flashstrike.wal.report.RuleOutcome r : report.ruleResults()) {
            if (r.ours()) {
                out.printf(Locale.ROOT, "Verdict: %s (score %s of 100): %s%n", r.level(),
                        Double.isNaN(r.score()) ? "-" : String.format(Locale.ROOT, "%.1f", r.score()), r.summary());
                if (!r.solution().isEmpty() && r.score() >= 25) {
                    out.println("  what to do: " + r.solution());
                }
                return;
            }
        }
        out.println("Verdict: none (" + (report.hasWalEvents() ? "the rule did not apply" : "no flashstrike.wal events recorded") + ")");
    }

    private Configuration settings() throws IOException, ParseException {
        if (options.jfc == null) {
            return bundledSettings();
        }
        // JFR's own messages name neither the file nor, for a missing one, the problem.
        try {
            return Configuration.create(options.jfc);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot read --jfc " + options.jfc + ": no such file", e);
        } catch (ParseException e) {
            throw new IOException("cannot read --jfc " + options.jfc + ": not a JFR settings (.jfc) file: " + e.getMessage().strip(), e);
        }
    }

    /** Reads {@code --jfc} before any work: a missing file or one that is not a .jfc is a usage error, one line. */
    static void checkSettings(picocli.CommandLine cl, Path jfc) {
        if (jfc == null) {
            return;
        }
        try {
            Configuration.create(jfc);
        } catch (IOException e) {
            throw new OptionFileException(cl, "cannot read --jfc " + jfc + ": " + ErrorLines.about(jfc, e), e);
        } catch (ParseException e) {
            throw new OptionFileException(cl, "cannot read --jfc " + jfc + ": not a JFR settings (.jfc) file: "
                    + e.getMessage().strip(), e);
        }
    }

    /** A --jfr file whose directory is missing is a usage error, one line, before any work (not after /metrics started). */
    static void checkRecordingFile(picocli.CommandLine cl, Path jfr) {
        Path parent = jfr == null ? null : jfr.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new OptionFileException(cl, "cannot write --jfr " + jfr + ": no such directory", null);
        }
    }

    /** @return the .jfc shipped in the jar */
    static Configuration bundledSettings() throws IOException, ParseException {
        try (InputStream in = RecoveryRun.class.getResourceAsStream("/jfc/flashstrike-wal.jfc")) {
            if (in == null) {
                throw new IOException("jfc/flashstrike-wal.jfc is missing from the jar; pass --jfc");
            }
            return Configuration.create(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    private Recording startRecording(Configuration configuration) throws IOException {
        Path parent = jfrFile.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot write --jfr " + jfrFile + ": no such directory");
        }
        Recording recording = new Recording(configuration);
        recording.setName("flashstrike-wal");
        recording.setToDisk(true);
        recording.setDestination(jfrFile);
        recording.start();
        return recording;
    }

    private void apply(long lsn, int type, ByteBuffer payload) {
        long h = digest ^ lsn;
        int p = payload.position();
        int end = payload.limit();
        for (; p + Long.BYTES <= end; p += Long.BYTES) {
            h = (h ^ payload.getLong(p)) * 0x9E3779B97F4A7C15L;
        }
        for (; p < end; p++) {
            h = (h ^ payload.get(p)) * 0x9E3779B97F4A7C15L;
        }
        digest = h + type;
    }

    /** Set by the ticker once it drew a bar on the terminal, so the end of the run ends that line. */
    private volatile boolean drawn;

    private void drawProgress(long startNs, boolean terminal) {
        synchronized (progress) {
            if (terminal) {
                progress.print("\r" + progressBar(startNs));
                drawn = true;
            } else {
                progress.println(progressBar(startNs));
            }
            progress.flush();
        }
    }

    /** The bar: segments replayed of those found, bytes, rate and time so far. */
    private String progressBar(long startNs) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNs) / 1e9);
        long found = metrics.manager().segmentsFound();
        long replayed = metrics.manager().segmentsReplayed();
        int width = 30;
        int filled = found == 0 ? 0 : (int) Math.min(width, replayed * width / found);
        long bytes = metrics.segmentReader().bytes();
        return String.format(Locale.ROOT, "recover [%s%s] %d/%d segments  %s  %.0f MB/s  %.1f s", "#".repeat(filled),
                ".".repeat(width - filled), replayed, found, SizeParser.format(bytes), bytes / 1e6 / seconds, seconds);
    }

    private void tick(long startNs) {
        try {
            String text = tickText(startNs);
            synchronized (out) {
                out.print(text);
                out.flush();
            }
        } catch (RuntimeException e) {
            out.println("dump failed: " + e);
        }
    }

    /** The progress line and the frames of one tick. */
    private String tickText(long startNs) {
        StringBuilder text = new StringBuilder(progressLine(startNs)).append(System.lineSeparator());
        text.append(runSoFar(startNs));
        metrics.segmentReader().dump(LABEL + " Segment Reader", text);
        metrics.segmentPreloader().dump(LABEL + " Segment Preloader", text);
        return text.toString();
    }

    /**
     * The manager's frame while the run lasts: its recover operation is recorded when the run ends,
     * so until then its line would read 0 ms, count 0; it shows the run so far instead.
     */
    private String runSoFar(long startNs) {
        // Asked before the frame is taken: asked after, a run ending in between left its 0 ms, count 0 line.
        boolean ended = metrics.manager().recover().snapshot().count() > 0;
        StringBuilder frame = new StringBuilder();
        metrics.manager().dump(LABEL + " Recovery Manager", frame);
        if (ended) {
            return frame.toString(); // the run has ended: its recorded figures
        }
        String running = String.format(Locale.ROOT, " Recover         : running for %.3f s | %d of %d segments replayed so far",
                (System.nanoTime() - startNs) / 1e9, metrics.manager().segmentsReplayed(), metrics.manager().segmentsFound());
        return frame.toString().replaceFirst("(?m)^ Recover +: .*$", java.util.regex.Matcher.quoteReplacement(running));
    }

    private String progressLine(long startNs) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNs) / 1e9);
        long bytes = metrics.segmentReader().bytes();
        return String.format(Locale.ROOT, "[progress] %.1f s | segments %d/%d | records %d | %s | %.0f MB/s | blocked on preloader %.1f ms",
                seconds, metrics.manager().segmentsReplayed(), metrics.manager().segmentsFound(),
                metrics.segmentReader().records(), SizeParser.format(bytes), bytes / 1e6 / seconds,
                (metrics.segmentReader().waitForSegment().snapshot().totalNanos() - metrics.segmentReader().fillWaitNanos()) / 1e6);
    }

    private void printSummary(RecoveryResult r) {
        double seconds = r.elapsedNanos() / 1e9;
        out.println("Recovery summary");
        out.printf(Locale.ROOT, "  status          : %s (mode %s)%n", r.status(), r.mode().cliName());
        if (r.reason() != null && r.failureSegmentId() < 0) {
            // not located in a segment: the directory (empty, locked, an entry that is not a segment)
            out.printf(Locale.ROOT, "  stopped at      : %s%n", r.reason());
        } else if (r.reason() != null) {
            out.printf(Locale.ROOT, "  stopped at      : %s in segment %d, offset %d, LSN %d%n", r.reason(), r.failureSegmentId(),
                    r.failureOffset(), r.failureLsn());
        }
        if (r.repair() != null) {
            out.printf(Locale.ROOT, "  repair          : %s%n", r.repair());
        }
        if (r.error() != null) {
            out.printf(Locale.ROOT, "  error           : %s%n", r.error());
        } else {
            out.printf(Locale.ROOT, "  end of log      : %s%n", r.endOfLog());
        }
        out.printf(Locale.ROOT, "  directory       : %s%n", r.directory());
        out.printf(Locale.ROOT, "  segments        : %d replayed of %d%n", r.segmentsReplayed(), r.segmentsFound());
        out.printf(Locale.ROOT, "  records         : %d%n", r.records());
        out.printf(Locale.ROOT, "  bytes           : %d (%s)%n", r.bytes(), SizeParser.format(r.bytes()));
        out.printf(Locale.ROOT, "  last valid LSN  : %d%n", r.lastValidLsn());
        out.printf(Locale.ROOT, "  dropped bytes   : %d%n", r.droppedBytes());
        out.printf(Locale.ROOT, "  elapsed         : %.3f s, %.1f MB/s, %.0f records/s%n", seconds, r.megabytesPerSecond(),
                seconds == 0 ? 0 : r.records() / seconds);
        // The one definition (README, "One figure"), as the report, the JMC rule and the PromQL compute it.
        long fill = metrics.segmentReader().fillWaitNanos();
        long blocked = metrics.segmentReader().waitForSegment().snapshot().totalNanos() - fill;
        long busy = metrics.segmentReader().readSegment().snapshot().totalNanos() + blocked;
        out.printf(Locale.ROOT, "  blocked on preloader: %.3f ms = %.2f %% of replay's busy time (not counted: the first"
                + " segment's wait, %.3f ms, the pipeline filling)%n", blocked / 1e6, busy == 0 ? 0 : 100.0 * blocked / busy, fill / 1e6);
        out.printf(Locale.ROOT, "  replay digest   : %016x%n", digest);
    }
}

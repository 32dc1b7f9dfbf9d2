package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.flashstrike.wal.recovery.telemetry.Operation64;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.TelemetryBlock;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.TimedOperation;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import jdk.jfr.Configuration;
import jdk.jfr.EventSettings;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows {@code flashstrike.wal.*} events live — this JVM's ({@link #inProcess}), another JVM's
 * disk repository ({@link #openRepository}) or a remote JVM over JMX ({@link #of}) — and folds
 * them into a {@link WalRecoveryMetrics} mirror with an {@link EventFolder}.
 *
 * <h2>Threading</h2>
 * The stream runs on its own daemon thread ({@link EventStream#startAsync()}), which is the single
 * writer of the mirror and of the health metrics; any thread may read them, {@link #collect} them
 * or {@link #close()} the stream.
 *
 * <h2>Survival</h2>
 * A handler that throws (the folder, or a listener) is counted in {@code handler_errors_total} and
 * logged (the first ten, then every thousandth); the stream goes on. When the producing JVM exits
 * or its repository disappears, the stream ends, {@link #awaitTermination} returns, and the mirror
 * keeps its final values.
 *
 * <h2>Loss</h2>
 * JFR can drop data (buffers it could not promote under contention, chunks removed from a
 * repository before they were read); the counters would then simply be lower. So the stream also
 * folds {@code jdk.DataLoss} ({@code stream_lost_bytes_total}) and the producer's own totals from
 * {@code OperationStatistics} (and {@code SegmentPreloaderStatistics}): {@code stream_missing_events{operation}}, for
 * every operation of the mirror's blocks, is the latest
 * producer total minus what was folded, settled at the end of every batch (see {@link LossAccount}).
 *
 * <h2>Lag</h2>
 * For every event, the wall-clock time from its end to its fold (after which a scrape sees it) is
 * recorded in {@code lag}: JFR's flush period (1 s by default) dominates it.
 */
public final class WalEventStream implements AutoCloseable {
    /**
     * Created on first use, not at class initialisation: the agent loads this class in JVMs whose
     * application installs its own {@code java.util.logging} LogManager later (see WalAgent).
     */
    private static final class Log {
        static final Logger LOG = Logger.getLogger(WalEventStream.class.getName());
    }

    private final EventStream stream;
    private final String source;
    private final EventFolder folder;
    private final Operation64 lag = new Operation64();
    private final AtomicLong eventsSeen = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final AtomicLong lastFlushNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong flushes = new AtomicLong();
    private final LossAccount loss;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Consumer<RecordedEvent> listener = e -> { };
    private volatile Runnable flushListener = () -> { };
    /** Set by a sidecar that saw the followed JVM end before JFR did (kill -9): stream_closed says so at once. */
    private volatile boolean producerGone;
    /** The followed JVM's start, when a sidecar knows it: tells a restarted producer's counter reset apart. */
    private volatile Instant producerStart;

    private WalEventStream(EventStream stream, String source, WalRecoveryMetrics mirror, List<TelemetryBlock> more) {
        this.stream = stream;
        this.source = source;
        this.folder = new EventFolder(mirror, more);
        this.loss = new LossAccount(source, folder.blocks());
        stream.setReuse(true);
        stream.setOrdered(false); // folding is order-free; unordered delivery lowers the lag
        for (String name : folder.eventNames()) {
            stream.onEvent(name, this::handle);
        }
        stream.onEvent(LossAccount.DATA_LOSS, this::handleLoss);
        stream.onEvent(SegmentPreloaderStatisticsEvent.NAME, this::handleLoss);
        stream.onEvent(OperationStatisticsEvent.NAME, this::handleLoss);
        stream.onFlush(this::flushed);
        stream.onError(t -> Log.LOG.log(Level.WARNING, "flashstrike: event stream from " + source + " failed: " + t, t));
        stream.onClose(() -> {
            loss.settle(folder.blocks()); // the last batch may have ended without a flush callback
            closed.countDown();
        });
    }

    /** Streams this JVM's events with the given settings (e.g. {@code jfc/flashstrike-wal.jfc}). */
    public static WalEventStream inProcess(Configuration settings, WalRecoveryMetrics mirror) {
        return inProcess(settings, mirror, List.of());
    }

    /**
     * Streams this JVM's events into {@code mirror} and into {@code more}, blocks of an application's
     * own operations (describe them before the stream starts: JDK-8382242, see {@code WalEvents}).
     * Their events must be enabled by {@code settings}.
     */
    public static WalEventStream inProcess(Configuration settings, WalRecoveryMetrics mirror, List<TelemetryBlock> more) {
        WalOperations.register(); // before the stream starts: no metadata of ours mid-stream (JDK-8382242)
        RecordingStream rs = new RecordingStream(settings);
        enableLossAccount(rs::enable);
        WalEventStream ws = new WalEventStream(rs, "this JVM", mirror, more);
        // The producer is this JVM: its totals are in the registry now, before any statistics event
        // comes (a period and a flush later). A stream started after operations never serves 0 missing.
        ws.loss.seed(TelemetryRegistry.global().registrations(), ws.folder.blocks());
        return ws;
    }

    /**
     * Enables, through a live stream's {@code enable} (a {@code RecordingStream}'s or a
     * {@code RemoteRecordingStream}'s), what the loss account needs whatever the settings say:
     * JFR's data-loss events and the producer's totals every second.
     */
    public static void enableLossAccount(Function<String, EventSettings> enable) {
        enable.apply(LossAccount.DATA_LOSS);
        enable.apply(SegmentPreloaderStatisticsEvent.NAME).withPeriod(Duration.ofSeconds(1));
        enable.apply(OperationStatisticsEvent.NAME).withPeriod(Duration.ofSeconds(1));
    }

    /**
     * Streams the events of the JVM whose disk repository is {@code directory} (the per-process
     * directory JFR makes; see {@link Repositories#resolve}), from the oldest chunk it still holds.
     */
    public static WalEventStream openRepository(Path directory, WalRecoveryMetrics mirror) throws IOException {
        EventStream es = EventStream.openRepository(directory);
        es.setStartTime(Instant.EPOCH);
        return new WalEventStream(es, "repository " + directory, mirror, List.of());
    }

    /**
     * Folds a finished recording file (its events, statistics and {@code jdk.DataLoss}) into
     * {@code mirror}: {@code recover} checks its .jfr this way once the run ended, off the run's
     * cores. {@link #foldToEnd()} reads it.
     */
    public static WalEventStream openFile(Path file, WalRecoveryMetrics mirror) throws IOException {
        return new WalEventStream(EventStream.openFile(file), "recording " + file, mirror, List.of());
    }

    /** Reads a stream that ends by itself (a file) on this thread, to its end, then settles the loss account. */
    public WalEventStream foldToEnd() {
        try {
            stream.start();
        } finally {
            loss.settle(folder.blocks(), true);
            closed.countDown();
        }
        return this;
    }

    /** Wraps any event stream, e.g. a {@code jdk.management.jfr.RemoteRecordingStream}. */
    public static WalEventStream of(EventStream stream, String source, WalRecoveryMetrics mirror) {
        return new WalEventStream(stream, source, mirror, List.of());
    }

    /**
     * Counts missing events against these producer blocks only, not every block whose statistics
     * the JVM emits (its registry keeps finished runs): for a check of one run's own events. Call
     * before the stream starts.
     */
    public WalEventStream missingOnlyOf(List<TelemetryBlock> producerBlocks) {
        loss.only(producerBlocks.stream().map(TelemetryBlock::id).collect(java.util.stream.Collectors.toSet()));
        return this;
    }

    /** Called after each folded event, on the stream thread; exceptions are counted, not fatal. */
    public WalEventStream onFolded(Consumer<RecordedEvent> l) {
        this.listener = l;
        return this;
    }

    /** Called after each batch (flush), on the stream thread; exceptions are counted, not fatal. */
    public WalEventStream onFlush(Runnable r) {
        this.flushListener = r;
        return this;
    }

    public WalEventStream start() {
        stream.startAsync();
        return this;
    }

    /**
     * Starts the stream on a daemon thread of ours, for a JVM we do not own (the agent): the thread
     * JFR's {@code startAsync} makes is not a daemon and would keep the application's JVM alive
     * after its {@code main} returns. Returns once the stream's recording runs (events committed
     * from then on are folded), or after {@code wait}.
     */
    public WalEventStream startDaemon(String threadName, Duration wait) throws InterruptedException {
        java.util.Set<Long> before = runningRecordings();
        Thread t = new Thread(() -> {
            try {
                stream.start();
            } catch (RuntimeException | Error e) {
                failed("stream", e);
            } finally {
                closed.countDown();
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !isClosed() && before.containsAll(runningRecordings())) {
            Thread.sleep(5);
        }
        return this;
    }

    private static java.util.Set<Long> runningRecordings() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (jdk.jfr.Recording r : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
            if (r.getState() == jdk.jfr.RecordingState.RUNNING) {
                ids.add(r.getId());
            }
        }
        return ids;
    }

    /** @return {@code true} when the stream ended within {@code timeout} */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the mirror can be compared with {@code truth}, the producer's in-memory metrics:
     * every event they count folded, the producer's statistics at least at their totals, and one
     * more batch ended after that, so the loss account is settled too.
     *
     * @return {@code false} when {@code timeout} passed first (then compare anyway: it says what is behind)
     */
    public boolean awaitSettled(WalRecoveryMetrics truth, Duration timeout) throws InterruptedException {
        long events = eventsOf(truth);
        long preloads = truth.segmentPreloader().preloadSegment().snapshot().count();
        long finishes = truth.segmentPreloader().finishSegment().snapshot().count();
        long deadline = System.nanoTime() + timeout.toNanos();
        long settledAt = -1;
        while (System.nanoTime() < deadline) {
            boolean all = eventsSeen() >= events && loss.producerTotal("preload_segment") >= preloads
                    && loss.producerTotal("finish_segment") >= finishes;
            if (all && settledAt < 0) {
                settledAt = flushes();
            } else if (all && flushes() > settledAt) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** @return the events a recording at threshold 0 holds for what {@code m} counts (every operation of its blocks) */
    public static long eventsOf(WalRecoveryMetrics m) {
        return eventsOf(m.blocks());
    }

    /** @return the events a recording at threshold 0 holds for what {@code blocks} count */
    public static long eventsOf(List<TelemetryBlock> blocks) {
        long n = 0;
        for (TelemetryBlock b : blocks) {
            for (TimedOperation<?, ?> op : b.operations()) {
                n += op.distribution().snapshot().count();
            }
        }
        return n;
    }

    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /**
     * Says the followed JVM is gone before the stream itself ends: a repository stream of a JVM
     * killed with -9 waits for chunks forever, and closing a remote one may wait on RMI.
     * {@code stream_closed} is 1 from now on.
     */
    public void producerGone() {
        producerGone = true;
    }

    /** @return {@code true} once the stream ended or {@link #producerGone()} said its JVM is gone */
    public boolean isProducerGone() {
        return producerGone || isClosed();
    }

    /**
     * Exposes {@code prefix_stream_producer_start_time_seconds}: a sidecar following one JVM after
     * another restarts its counters at each; this gauge changing says the drop is a reset.
     */
    public WalEventStream producerStart(Instant start) {
        this.producerStart = start;
        return this;
    }

    public WalRecoveryMetrics mirror() {
        return folder.metrics();
    }

    public String source() {
        return source;
    }

    public long eventsSeen() {
        return eventsSeen.get();
    }

    public long handlerErrors() {
        return handlerErrors.get();
    }

    /** @return time since the last batch was delivered */
    public Duration lastFlushAge() {
        return Duration.ofNanos(System.nanoTime() - lastFlushNanos.get());
    }

    /** @return batches delivered so far (each ends with the loss account settled) */
    public long flushes() {
        return flushes.get();
    }

    /** @return bytes JFR reported lost ({@code jdk.DataLoss}) */
    public long lostBytes() {
        return loss.lostBytes();
    }

    /**
     * @param operation an operation's metric name, e.g. {@code preload_segment}
     * @return operations the producer counted that this stream never folded, as of the last batch:
     *         0 for an operation neither folded nor reported; -1 when unknown, the stream folded
     *         operations of it but the producer reports no totals (its settings lack
     *         {@code flashstrike.wal.OperationStatistics}) — never a 0 that would claim nothing is missing
     */
    public long missingEvents(String operation) {
        return loss.missing(operation);
    }

    /**
     * @return whether the last batch settled any producer total: until then every
     *         {@link #missingEvents} is a 0 that checked nothing (the producer's statistics not read yet)
     */
    public boolean producerReported() {
        return loss.settledAny();
    }

    /** @return the producer's own total of {@code operation} as of the last batch (its statistics events) */
    public long producerTotal(String operation) {
        return loss.producerTotal(operation);
    }

    /** @return event end to fold, per event */
    public Operation64 lag() {
        return lag;
    }

    /**
     * Collects the mirror's families under {@code prefix}, then the stream's health under
     * {@code subsystem="wal_event_stream"}: {@code prefix_stream_events_total},
     * {@code prefix_stream_handler_errors_total}, {@code prefix_stream_last_flush_age_seconds},
     * {@code prefix_stream_lag} (event end to fold), {@code prefix_stream_lost_bytes_total},
     * {@code prefix_stream_missing_events{operation}}.
     */
    public void collect(String prefix, MetricsCollector c) {
        folder.metrics().collect(prefix, c);
        collectHealth(prefix, c);
    }

    private static final String CLOSED_HELP = "1 once the stream has ended (producer gone)";
    private static final String START_HELP = "Start of the followed JVM, seconds since the epoch: the stream's counters"
            + " restart from 0 with each new producer";

    /**
     * What a sidecar serves while it follows no JVM yet: the mirror's families at 0 and
     * {@code stream_closed} 1, so an alert on a closed stream fires from the start.
     */
    public static void collectNone(String prefix, MetricsCollector c) {
        new WalRecoveryMetrics().collect(prefix, c);
        c.pushLabel("subsystem", "wal_event_stream");
        try {
            c.counter(prefix + "_stream_events_total", "flashstrike.wal events folded from the stream", 0);
            c.gauge(prefix + "_stream_closed", CLOSED_HELP, 1);
        } finally {
            c.popLabel();
        }
    }

    /** Collects only the stream's health families (see {@link #collect}). */
    public void collectHealth(String prefix, MetricsCollector c) {
        c.pushLabel("subsystem", "wal_event_stream");
        try {
            c.counter(prefix + "_stream_events_total", "flashstrike.wal events folded from the stream", eventsSeen());
            c.counter(prefix + "_stream_handler_errors_total", "Stream handlers that threw (the stream went on)", handlerErrors());
            c.gauge(prefix + "_stream_last_flush_age_seconds", "Seconds since the stream last delivered a batch",
                    lastFlushAge().toNanos() / 1e9);
            c.gauge(prefix + "_stream_closed", CLOSED_HELP, isProducerGone() ? 1 : 0);
            Instant start = producerStart;
            if (start != null) {
                c.gauge(prefix + "_stream_producer_start_time_seconds", START_HELP, start.toEpochMilli() / 1e3);
            }
            lag.collect(prefix + "_stream_lag", c);
            c.counter(prefix + "_stream_lost_bytes_total", "Bytes JFR reported lost before the stream could read them (jdk.DataLoss)",
                    lostBytes());
            for (String operation : loss.operations()) {
                c.pushLabel("operation", operation);
                long missing = loss.missing(operation);
                c.gauge(prefix + "_stream_missing_events", "Operations the producer counted (its statistics events) that the"
                        + " stream never folded; NaN: unknown, the producer reports no totals", missing < 0 ? Double.NaN : missing);
                c.popLabel();
            }
        } finally {
            c.popLabel();
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (RuntimeException e) {
            // A remote stream whose JVM is gone cannot close its remote recording: nothing is lost.
            Log.LOG.log(Level.FINE, "flashstrike: closing the stream from " + source + ": " + e, e);
        } finally {
            closed.countDown();
        }
    }

    private void handle(RecordedEvent e) {
        try {
            if (folder.fold(e)) {
                eventsSeen.incrementAndGet();
                Instant end = e.getEndTime();
                Instant now = Instant.now();
                lag.record(Duration.between(end, now).toNanos(), Status.OK);
            }
            listener.accept(e);
        } catch (RuntimeException | Error t) {
            failed("event handler", t);
        }
    }

    private void handleLoss(RecordedEvent e) {
        try {
            loss.fold(e);
        } catch (RuntimeException | Error t) {
            failed("loss handler", t);
        }
    }

    private void flushed() {
        lastFlushNanos.set(System.nanoTime());
        try {
            loss.settle(folder.blocks());
        } catch (RuntimeException | Error t) {
            failed("loss settle", t);
        }
        flushes.incrementAndGet();
        try {
            flushListener.run();
        } catch (RuntimeException | Error t) {
            failed("flush handler", t);
        }
    }

    private void failed(String what, Throwable t) {
        long n = handlerErrors.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
            Log.LOG.log(Level.WARNING, "flashstrike: " + what + " threw (" + n + " so far), stream from " + source
                    + " continues: " + t, t);
        }
    }
}

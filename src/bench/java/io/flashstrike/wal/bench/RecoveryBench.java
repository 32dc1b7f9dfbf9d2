package io.flashstrike.wal.bench;

import io.flashstrike.wal.agent.WalAgent;
import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.stream.WalEventStream;
import io.flashstrike.wal.segment.MappedSegment;
import io.flashstrike.wal.segment.SegmentCursor;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.WalDirectoryLock;
import io.flashstrike.wal.segment.SegmentVerification;
import io.flashstrike.wal.segment.SegmentVerifier;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.Exposition;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Section 5 of docs/BENCHMARKS.md: end to end, one recovery of a page-cached WAL (generated once per trial,
 * {@code walMiB} in 32 MiB segments of 1 KiB records) into a consumer that reads one {@code long}
 * per record, the lightest consumer (so telemetry's share is the largest it can be). Modes:
 * <dl>
 *   <dt>{@code loop}</dt><dd>no pipeline and no telemetry: one thread opens, maps, verifies
 *   ({@link SegmentVerifier}, the chain anchored as recovery does), walks ({@link SegmentCursor})
 *   and unmaps each segment in turn. Not the pipeline minus telemetry (the pipeline overlaps
 *   verification with replay on a second thread): context, the work without the machinery.</dd>
 *   <dt>{@code inMemory}</dt><dd>{@link RecoveryManager}: preload worker + replay, in-memory
 *   telemetry (always on: it cannot be switched off).</dd>
 *   <dt>{@code jfr}</dt><dd>+ a disk recording with the shipped {@code .jfc} (every event on).</dd>
 *   <dt>{@code jfrStream}</dt><dd>+ {@link WalEventStream#inProcess} folding the events (no HTTP).</dd>
 *   <dt>{@code jfrStreamScrape}</dt><dd>+ {@link WalEventStream#inProcess} folding the events, and
 *   {@link MetricsHttpServer} serving /metrics, scraped every second by an {@link HttpClient} thread:
 *   everything the CLI's {@code recover --live-stream} runs.</dd>
 *   <dt>{@code agent}</dt><dd>JFR, the in-process stream and /metrics all started by the Java agent
 *   ({@link WalAgent#premain}, as {@code -javaagent:flashstrike-wal-agent.jar=port=0,stream=on} calls it,
 *   before the trial), /metrics scraped every second; one recording (the agent's stream) where
 *   {@code jfrStreamScrape} has two. The agent lives as long as its JVM, so this mode needs JMH's
 *   forks (one trial per fork, as {@code tools/bench} runs it). At the end of the trial the agent's
 *   /metrics must count every preload of the trial's recoveries: the stream kept up.</dd>
 * </dl>
 * The telemetry blocks are created once per trial and accumulate across recoveries, as a
 * long-lived process's would. At the end of each trial the CPU time every other thread of the JVM
 * used during it (JFR's recorder, the stream, the HTTP server, the scraper, GC, JIT...) is printed
 * per recovery ({@code [cpu]} lines): on 2 CPUs, where the pipeline keeps both busy, that is what
 * telemetry takes from recovery.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecoveryBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** HotSpot's per-thread allocation counter, for the {@code [alloc]} lines; null where absent. */
    private static final com.sun.management.ThreadMXBean ALLOC =
            THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported() ? t : null;

    @Param({"loop", "inMemory", "jfr", "jfrStream", "jfrStreamScrape", "agent"})
    public String mode;

    @Param({"256"})
    public int walMiB;

    private Path dir;
    private List<Path> files;
    private WalRecoveryMetrics metrics;
    private Recording recording;
    private WalEventStream stream;
    private MetricsHttpServer server;
    private Thread scraper;
    private URI agentUri;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong badScrapes = new AtomicLong();
    private final SegmentVerifier verifier = new SegmentVerifier();
    private final SegmentCursor cursor = new SegmentCursor();
    private long expectedRecords;
    private long sink;
    private long recoveries;
    private Map<Long, Long> cpuAtStart;
    private Map<Long, Long> allocAtStart;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("flashstrike-recovery-bench-");
        int segmentMiB = Math.min(32, walMiB);
        WalGenerator.Summary s = WalGenerator.into(dir).segments(walMiB / segmentMiB).segmentSize((long) segmentMiB << 20)
                .payloadSize(1024).generate();
        expectedRecords = s.records();
        files = SegmentFiles.list(dir);
        metrics = new WalRecoveryMetrics();
        if (!mode.equals("loop") && !mode.equals("inMemory")) {
            recording = new Recording(Jfc.shipped());
            recording.setToDisk(true);
            recording.setMaxSize(64L << 20);
            recording.start();
        }
        if (mode.startsWith("jfrStream")) {
            WalEventStream es = WalEventStream.inProcess(Jfc.shipped(), new WalRecoveryMetrics());
            stream = es;
            es.start();
        }
        if (mode.equals("jfrStreamScrape")) {
            WalEventStream es = stream;
            server = MetricsHttpServer.start("127.0.0.1", 0, c -> {
                metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
                es.collectHealth(WalRecoveryMetrics.DEFAULT_PREFIX, c);
            });
            startScraper(URI.create(server.url()));
        }
        if (mode.equals("agent")) {
            agentUri = URI.create(startAgent());
            startScraper(agentUri);
        }
        cpuAtStart = perThread(THREADS::getThreadCpuTime);
        allocAtStart = ALLOC == null ? Map.of() : perThread(ALLOC::getThreadAllocatedBytes);
    }

    /** One scrape now (it serves, before timing), then one a second on the {@code bench-scraper} thread. */
    private void startScraper(URI uri) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        scrape(client, HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build());
        scraper = new Thread(() -> scrapeEverySecond(client, uri), "bench-scraper");
        scraper.setDaemon(true);
        scraper.start();
    }

    /** Starts the agent as {@code -javaagent} would and returns its /metrics URL, or fails the trial with its reason. */
    private static String startAgent() throws InterruptedException {
        if (System.getProperty(WalAgent.URL_PROPERTY) != null) {
            throw new IllegalStateException("the agent already runs in this JVM: mode agent needs a fork per trial");
        }
        // stream=on: the mode measures the agent with its JFR stream, as section 5b did before the
        // stream became opt-in; /metrics itself serves the registry's blocks.
        WalAgent.premain("port=0,dump-interval=0,stream=on", null);
        for (int i = 0; i < 100; i++) {
            String url = System.getProperty(WalAgent.URL_PROPERTY);
            String error = System.getProperty(WalAgent.ERROR_PROPERTY);
            if (url != null) {
                return url;
            }
            if (error != null) {
                throw new IllegalStateException("the agent did not start: " + error);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent set neither its URL nor an error within 10 s");
    }

    /**
     * The agent's count of preloads, once it has every one of the trial's ({@code 8 x recoveries}),
     * or after 10 s whatever it has: the stream delivers within about a second of each flush.
     */
    private long agentPreloads(long expected) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(agentUri).timeout(Duration.ofSeconds(5)).GET().build();
        long seen = -1;
        for (int i = 0; i < 100 && seen != expected; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            seen = (long) Exposition.sum(client.send(get, HttpResponse.BodyHandlers.ofString()).body(),
                    "flashstrike_wal_preload_segment_total", "");
        }
        return seen;
    }

    /** {@code reading} (CPU ns, bytes allocated; negative when unknown) of every live thread, by id. */
    private static Map<Long, Long> perThread(LongUnaryOperator reading) {
        Map<Long, Long> byId = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            byId.put(id, reading.applyAsLong(id));
        }
        return byId;
    }

    /**
     * How much {@code reading} grew on each live thread since {@code atStart}, summed by thread name
     * (digits as N); this thread (JMH's, running the recoveries) only {@code withThisThread}.
     */
    private static Map<String, Long> grownByName(LongUnaryOperator reading, Map<Long, Long> atStart, boolean withThisThread) {
        Map<String, Long> byName = new TreeMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            long now = reading.applyAsLong(id);
            if (info != null && now >= 0 && (withThisThread || id != Thread.currentThread().getId())) {
                byName.merge(info.getThreadName().replaceAll("[0-9]+", "N"), now - atStart.getOrDefault(id, 0L), Long::sum);
            }
        }
        return byName;
    }

    /** One log line: {@code head}, then each name whose growth per recovery is at least {@code min}, in {@code unit}s. */
    private String perRecovery(String head, Map<String, Long> byName, long min, double unit) {
        StringBuilder sb = new StringBuilder(head);
        byName.forEach((name, grown) -> {
            if (recoveries > 0 && grown / recoveries >= min) {
                sb.append(String.format(Locale.ROOT, " %s %.0f;", name, grown / unit / recoveries));
            }
        });
        return sb.toString();
    }

    /** CPU time per recovery of every thread but this one, and allocation of every live thread, during the trial. */
    private void printCpu() {
        System.out.println(perRecovery(String.format(Locale.ROOT, "%n[cpu] mode %s, %d recoveries; other threads, µs CPU per recovery:",
                mode, recoveries), grownByName(THREADS::getThreadCpuTime, cpuAtStart, false), 20_000, 1e3));
        if (ALLOC != null) {
            // Which threads allocate: the JMH gc profiler gives only the JVM-wide rate. Threads that
            // ended during the trial (JFR's short-lived ones, each recovery's worker) are not counted.
            System.out.println(perRecovery(String.format(Locale.ROOT, "[alloc] mode %s; KB allocated per recovery by live threads:", mode),
                    grownByName(ALLOC::getThreadAllocatedBytes, allocAtStart, true), 1024, 1024.0));
        }
    }

    private void scrapeEverySecond(HttpClient client, URI uri) {
        HttpRequest get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
                scrape(client, get);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void scrape(HttpClient client, HttpRequest get) throws InterruptedException {
        try {
            HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
            // build_info is in every scrape; the families of the blocks only once a recovery registered
            (r.statusCode() == 200 && r.body().contains("flashstrike_wal_build_info") ? scrapes : badScrapes)
                    .incrementAndGet();
        } catch (IOException e) {
            badScrapes.incrementAndGet();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        printCpu();
        if (scraper != null) {
            scraper.interrupt();
            scraper.join(5000);
        }
        if (server != null) {
            server.close();
        }
        if (stream != null) {
            stream.close();
            System.out.printf("%n[stream] folded %d events, %d handler errors%s%n", stream.eventsSeen(), stream.handlerErrors(),
                    scraper == null ? "" : "; /metrics: " + scrapes.get() + " good scrapes, " + badScrapes.get() + " bad");
        }
        if (recording != null) {
            recording.close();
        }
        if (agentUri != null) {
            long expected = recoveries * files.size();
            long seen = agentPreloads(expected);
            System.out.printf("%n[agent] /metrics counts %d preloads of %d; %d good scrapes, %d bad%n",
                    seen, expected, scrapes.get(), badScrapes.get());
            if (seen != expected) {
                throw new IllegalStateException("the agent's /metrics counts " + seen + " preloads, the trial made " + expected);
            }
        }
        for (Path f : SegmentFiles.list(dir)) {
            Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir.resolve(WalDirectoryLock.FILE_NAME));
        Files.deleteIfExists(dir);
        if (badScrapes.get() != 0 || (scraper != null && scrapes.get() == 0)) {
            throw new IllegalStateException("/metrics scrapes failed: " + badScrapes.get() + " bad, " + scrapes.get() + " good");
        }
    }

    @Benchmark
    public long recover() throws Exception {
        recoveries++;
        if (mode.equals("loop")) {
            return loop();
        }
        RecoveryResult r = new RecoveryManager(metrics).recover(dir, (lsn, type, payload) -> sink += payload.getLong(payload.position()));
        if (!r.status().isOk() || r.records() != expectedRecords) {
            throw new IllegalStateException("recovery failed: " + r.error() + ", " + r.records() + " records");
        }
        return sink;
    }

    /** The single-thread loop: the same verification and walk as recovery, no worker, no telemetry. */
    private long loop() throws IOException {
        SegmentVerification previous = null;
        long records = 0;
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                 MappedSegment mapping = MappedSegment.mapReadOnly(ch, ch.size())) {
                MappedByteBuffer m = mapping.buffer();
                long id = SegmentFiles.parseId(f);
                SegmentVerification v = previous == null ? verifier.verifyUnanchored(m, id)
                        : verifier.verify(m, id, previous.nextLsn(), previous.lastCrc());
                if (!v.isOk()) {
                    throw new IllegalStateException(v.detail());
                }
                cursor.reset(m, v);
                while (cursor.next()) {
                    ByteBuffer payload = cursor.payloadView();
                    sink += payload.getLong(payload.position());
                    records++;
                }
                cursor.reset(ByteBuffer.allocate(0), 0);
                previous = v;
            }
        }
        if (records != expectedRecords) {
            throw new IllegalStateException(records + " records, expected " + expectedRecords);
        }
        return sink;
    }
}

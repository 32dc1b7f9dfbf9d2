package io.flashstrike.wal.mbeans;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.OutcomeType;
import io.flashstrike.wal.recovery.telemetry.TelemetryBlock;
import io.flashstrike.wal.recovery.telemetry.TelemetryMBeans;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.TimedOperation;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import jdk.jfr.Event;
import jdk.jfr.Name;

import javax.management.MBeanServerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The program {@link MBeansIT} runs in a child JVM: a real recovery on the global registry (so its
 * blocks become platform MBeans, or not, as the JVM's flags decide), plus an application's own
 * block under a label that must be quoted in an ObjectName. It never touches JMX itself: it only
 * asks whether an MBean server exists, which creates none. It writes its own figures (the oracle)
 * to a file, then stays alive to be read.
 *
 * <p>args: WAL_DIR ORACLE_FILE STAY_MS
 */
public final class MBeanHostApp {
    /** An application's own outcome enum and event, as a user of {@link TelemetryBlock#of} writes them. */
    enum Outcome { HIT, MISS, LOST }

    @Name("test.mbeans.host.Fetch")
    public static final class FetchEvent extends Event {
        public String status;
    }

    static final OperationType<FetchEvent, Outcome> FETCH = OperationType.of("fetch_page", FetchEvent.class,
            OutcomeType.of(Outcome.class, Outcome.LOST, Outcome.HIT, Outcome.MISS));
    /** The application block's labels: a comma, so the ObjectName quotes the value. */
    static final String CACHE_LABEL = "pages,hot";
    static final int FETCHES = 5;

    public static void main(String[] args) throws Exception {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        RecoveryResult r = new RecoveryManager(metrics).recover(Path.of(args[0]), (lsn, type, payload) -> { });
        TelemetryBlock cache = TelemetryBlock.of("page_cache", FETCH);
        TimedOperation<FetchEvent, Outcome> fetch = cache.operation(FETCH);
        TelemetryRegistry.Registration app = TelemetryRegistry.global().register(Map.of("cache", CACHE_LABEL), List.of(cache));
        for (int i = 0; i < FETCHES; i++) {
            FETCH.record(fetch, System.nanoTime(), i == 0 ? Outcome.MISS : Outcome.HIT);
        }
        boolean poller = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(TelemetryMBeans.POLLER_NAME));
        String oracle = String.join("\n",
                "status=" + r.status(),
                "wal=" + Path.of(args[0]).toAbsolutePath().normalize(),
                "lastValidLsn=" + metrics.manager().lastValidLsn(),
                "preloadSuccesses=" + metrics.segmentPreloader().preloadSegment().snapshot().successes(),
                "recordsRead=" + metrics.segmentReader().records(),
                "mbeanServers=" + MBeanServerFactory.findMBeanServer(null).size(),
                "poller=" + poller,
                "") ;
        Files.writeString(Path.of(args[1] + ".tmp"), oracle);
        Files.move(Path.of(args[1] + ".tmp"), Path.of(args[1]));
        System.out.println("recovered " + r.records() + " records, status " + r.status());
        Thread.sleep(Long.parseLong(args[2]));
        app.close();
        TelemetryMBeans p = TelemetryMBeans.platform();
        System.out.println("done, mbean failures " + (p == null ? "none installed" : p.failures()));
    }
}

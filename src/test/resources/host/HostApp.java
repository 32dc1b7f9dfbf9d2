import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host application with libraries of its own, run by AgentJarIT with the java source launcher
 * beside our agent jar: client_java 1.3.x (its own registry and HTTPServer on its own /metrics),
 * snakeyaml-engine 2.x, and our library, with which it runs a recovery. Prints what it served and
 * loaded, then stays until STOP_FILE appears (60 s at most).
 *
 * <p>args: WAL_DIR STOP_FILE
 */
public class HostApp {
    public static void main(String[] args) throws Exception {
        Counter requests = Counter.builder().name("host_requests").help("The host's own counter").register();
        requests.inc(3);
        HTTPServer server = HTTPServer.builder().port(0).buildAndStart();
        System.out.println("host metrics: http://127.0.0.1:" + server.getPort() + "/metrics");
        Object yaml = new Load(LoadSettings.builder().build()).loadFromString("owner: host");
        System.out.println("host yaml: " + yaml);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        RecoveryResult r = new RecoveryManager(metrics).recover(Path.of(args[0]), (lsn, type, payload) -> { });
        System.out.println("host recovered " + r.records() + " records, status " + r.status());
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && !Files.exists(Path.of(args[1]))) {
            Thread.sleep(20);
        }
        server.stop();
        System.out.println("host done");
    }
}

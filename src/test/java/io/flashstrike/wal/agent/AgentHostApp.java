package io.flashstrike.wal.agent;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.WalMetricsSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;

/**
 * The "unmodified program" the agent tests run in a child JVM: it recovers a WAL with our
 * updaters and no stream or server code, writes its in-memory metrics (the oracle) to a file,
 * then stays alive so the agent can be scraped. Optionally it then installs its own LogManager
 * the way application servers do, and says which one it got.
 *
 * <p>args: WAL_DIR ORACLE_FILE STAY_MS [logmanager]
 */
public final class AgentHostApp {
    public static void main(String[] args) throws Exception {
        if (args.length > 3 && args[3].equals("logmanager-first")) {
            installLogManager(); // before any work, as an application server's main does
        }
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        RecoveryResult r = new RecoveryManager(metrics).recover(Path.of(args[0]), (lsn, type, payload) -> { });
        System.out.println("recovered " + r.records() + " records, status " + r.status());
        Files.writeString(Path.of(args[1] + ".tmp"), WalMetricsSource.text(c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c)));
        Files.move(Path.of(args[1] + ".tmp"), Path.of(args[1]));
        long stay = Long.parseLong(args[2]);
        long deadline = System.currentTimeMillis() + stay;
        Path proceed = Path.of(args[1] + ".logmanager");
        while (System.currentTimeMillis() < deadline) {
            if (args.length > 3 && args[3].equals("logmanager-later") && Files.exists(proceed)) {
                installLogManager();
                Files.delete(proceed);
            }
            Thread.sleep(20);
        }
        System.out.println("done");
    }

    private static void installLogManager() {
        System.setProperty("java.util.logging.manager", AppLogManager.class.getName());
        System.out.println("log manager: " + LogManager.getLogManager().getClass().getName());
    }

    /** An application's own LogManager, as WildFly or Tomcat's JULI install. */
    public static final class AppLogManager extends LogManager {
    }
}

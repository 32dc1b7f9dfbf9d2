package io.flashstrike.wal.agent;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.WalMetricsSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogManager;

/**
 * The "unmodified program" the agent tests run in a child JVM: it recovers a WAL with our
 * updaters and no stream or server code, writes its in-memory metrics (the oracle) to a file,
 * then stays alive so the agent can be scraped. Optionally it then installs its own LogManager
 * the way application servers do, and says which one it got.
 *
 * <p>args: WAL_DIR ORACLE_FILE STAY_MS [logmanager-first|logmanager-later|two|churn-properties];
 * {@code two} also recovers {@code WAL_DIR2}, at the same time; {@code churn-properties} sets and
 * removes a system property without pause all along, as a host's libraries may.
 */
public final class AgentHostApp {
    public static void main(String[] args) throws Exception {
        if (args.length > 3 && args[3].equals("logmanager-first")) {
            installLogManager(); // before any work, as an application server's main does
        }
        if (args.length > 3 && args[3].equals("churn-properties")) {
            Thread churn = new Thread(() -> {
                while (true) {
                    System.setProperty("host.churning", "1");
                    System.clearProperty("host.churning");
                }
            }, "churn-properties");
            churn.setDaemon(true);
            churn.start();
        }
        List<Path> dirs = new ArrayList<>(List.of(Path.of(args[0]).toAbsolutePath()));
        if (args.length > 3 && args[3].equals("two")) {
            dirs.add(Path.of(args[0] + "2").toAbsolutePath()); // a second log, recovered at the same time
        }
        List<WalRecoveryMetrics> metrics = new ArrayList<>();
        List<Thread> runs = new ArrayList<>();
        for (Path dir : dirs) {
            WalRecoveryMetrics m = new WalRecoveryMetrics();
            metrics.add(m);
            Thread t = new Thread(() -> {
                try {
                    RecoveryResult r = new RecoveryManager(m).recover(dir, (lsn, type, payload) -> { });
                    System.out.println("recovered " + r.records() + " records, status " + r.status());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            runs.add(t);
        }
        for (Thread t : runs) {
            t.join();
        }
        // The oracle: each run's own metrics, under the label a recovery gets by default.
        Files.writeString(Path.of(args[1] + ".tmp"), WalMetricsSource.text(c -> {
            for (int i = 0; i < dirs.size(); i++) {
                c.pushLabel("wal", dirs.get(i).toString());
                metrics.get(i).collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
                c.popLabel();
            }
        }));
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

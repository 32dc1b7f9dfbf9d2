package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;

import java.nio.file.Path;

/**
 * A {@code --repair} in a child JVM that says where it is and then waits to be killed:
 * {@code RepairChild DIR MODE STEP} prints {@code after step N} after each durable step of the
 * repairer and, at {@code STEP}, sleeps (bounded) so that the parent kills it with SIGKILL there.
 */
public final class RepairChild {
    private RepairChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        RecoveryMode mode = RecoveryMode.ofCliName(args[1]);
        int killAt = Integer.parseInt(args[2]);
        RecoveryResult r = new RecoveryManager(new WalRecoveryMetrics(), mode, true, 2, step -> {
            System.out.println("after step " + step);
            System.out.flush();
            if (step == killAt) {
                try {
                    Thread.sleep(120_000); // the parent kills this process now; bounded if it does not
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).recover(dir, (lsn, type, payload) -> { });
        System.out.println("not killed: " + r);
        System.exit(2);
    }
}

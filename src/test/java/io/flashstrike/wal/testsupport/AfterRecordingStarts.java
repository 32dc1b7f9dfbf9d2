package io.flashstrike.wal.testsupport;

import io.flashstrike.wal.cli.FlashstrikeWal;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;

import java.util.concurrent.TimeUnit;

/**
 * A child JVM's main that runs the CLI only once a JFR recording is running in this JVM: the
 * barrier between a test's child and a sidecar that starts that recording remotely (over JMX),
 * so no event of the run can precede the sidecar. Prints {@link #WAITING} first (by then any
 * {@code -Dcom.sun.management.jmxremote} agent is listening); gives up with exit 1 after 60 s.
 */
public final class AfterRecordingStarts {
    public static final String WAITING = "child: waiting for a running recording";

    private AfterRecordingStarts() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println(WAITING);
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (FlightRecorder.getFlightRecorder().getRecordings().stream().noneMatch(r -> r.getState() == RecordingState.RUNNING)) {
            if (System.nanoTime() > deadline) {
                System.out.println("child: no recording started within 60 s");
                System.exit(1);
            }
            Thread.sleep(20);
        }
        System.out.println("child: a recording runs; starting the CLI");
        FlashstrikeWal.main(args);
    }
}

package io.flashstrike.wal.report;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Name;
import jdk.jfr.Recording;

import java.nio.file.Path;

/** A real recording that has events, none of them ours. */
final class NoWalEvents {
    @Name("flashstrike.test.Other")
    static final class Other extends jdk.jfr.Event {
        int n;
    }

    private NoWalEvents() {
    }

    static Path record(Path file) throws Exception {
        try (Recording r = new Recording()) {
            r.enable(Other.class);
            // Our events are enabled by default (their annotations), and the periodic statistics
            // event fires in any recording once an updater exists in this JVM: switch them off.
            for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
                if (t.getName().startsWith(RecordingReport.EVENT_PREFIX)) {
                    r.disable(t.getName());
                }
            }
            r.enable("jdk.JavaMonitorWait").withThreshold(java.time.Duration.ZERO);
            r.setToDisk(true);
            r.start();
            for (int i = 0; i < 5; i++) {
                Other e = new Other();
                e.n = i;
                e.commit();
            }
            r.stop();
            r.dump(file);
        }
        return file;
    }
}

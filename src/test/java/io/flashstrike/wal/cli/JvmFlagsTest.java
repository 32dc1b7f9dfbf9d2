package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.testsupport.ChildJvm;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's production recipe: a JVM switched on with JVM flags only
 * ({@code -XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc}, alone and with the JDK's
 * {@code default} profile), our code making no recording of its own ({@code --no-jfr}).
 */
class JvmFlagsTest {

    @ParameterizedTest
    @ValueSource(strings = {"settings=jfc/flashstrike-wal.jfc", "settings=default,settings=jfc/flashstrike-wal.jfc"})
    void jvmFlagsAloneRecordOurEvents(String settings, @TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        assertEquals(0, CliTest.run("generate", "--dir", wal.toString(), "--segments", "3", "--segment-size", "64KiB").exit());
        Path jfr = tmp.resolve("flags.jfr");
        ChildJvm.Result r = ChildJvm.run(List.of("-XX:StartFlightRecording:" + settings + ",filename=" + jfr),
                tmp.resolve("child.log"), "recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "-1");
        assertEquals(0, r.exit(), r.output());
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        assertEquals(3, events.stream().filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME)).count());
        assertEquals(3, events.stream().filter(e -> e.getEventType().getName().equals(FinishSegmentEvent.NAME)).count());
        boolean jdkEvents = events.stream().anyMatch(e -> e.getEventType().getName().startsWith("jdk."));
        assertEquals(settings.contains("default"), jdkEvents, "JDK events only with the default profile");
        assertTrue(r.output().contains("Recovery summary"), r.output());
    }
}

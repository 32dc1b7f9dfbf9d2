package io.flashstrike.wal.report;

import io.flashstrike.wal.report.UnreadableRecordingException.Kind;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.flightrecorder.CouldNotLoadRecordingException;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Loads a recording with the JMC core parser after {@link RecordingCheck}; every failure is one line. */
final class RecordingLoader {
    /** Held strongly: a logger's level is lost when the logger is collected. */
    private static final Logger JMC_PARSER_LOG = Logger.getLogger("org.openjdk.jmc.flightrecorder");

    private RecordingLoader() {
    }

    static IItemCollection load(Path file) throws IOException {
        RecordingCheck.check(file);
        Level before = JMC_PARSER_LOG.getLevel();
        // The parser logs a stack trace at INFO for a chunk it skips; the check above reports it instead.
        JMC_PARSER_LOG.setLevel(Level.WARNING);
        try {
            return JfrLoaderToolkit.loadEvents(file.toFile());
        } catch (CouldNotLoadRecordingException | RuntimeException e) {
            String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            Kind kind = e.getClass().getSimpleName().contains("Version") ? Kind.UNSUPPORTED_VERSION : Kind.UNREADABLE;
            throw new UnreadableRecordingException(file, kind, "not a readable JFR recording (JMC parser: " + what + ")");
        } finally {
            JMC_PARSER_LOG.setLevel(before);
        }
    }
}

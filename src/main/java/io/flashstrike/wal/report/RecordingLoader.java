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
    /**
     * JMC core 9.1.2 (the newest on Maven Central) logs "Could not find field with name 'virtual'
     * in reader for 'thread'" at WARNING for every recording of JDK 21 and later (17 has no such
     * field): virtual threads added it to the thread type, and JMC's thread struct has no field
     * for it (JMC-6679, still open). Quieted only while we parse, then restored. The parser
     * skips the field; the report does not use it. This is the only message that logger writes.
     */
    private static final Logger JMC_FIELD_LOG =
            Logger.getLogger("org.openjdk.jmc.flightrecorder.internal.parser.v1.ValueReaders$ReflectiveReader");

    /** Loads in progress; the first saves the levels, the last restores them. Guarded by the class. */
    private static int loading;
    private static Level parserBefore;
    private static Level fieldBefore;

    private RecordingLoader() {
    }

    static IItemCollection load(Path file) throws IOException {
        RecordingCheck.check(file);
        quietParser();
        try {
            return JfrLoaderToolkit.loadEvents(file.toFile());
        } catch (CouldNotLoadRecordingException | RuntimeException e) {
            String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            Kind kind = e.getClass().getSimpleName().contains("Version") ? Kind.UNSUPPORTED_VERSION : Kind.UNREADABLE;
            throw new UnreadableRecordingException(file, kind, "not a readable JFR recording (JMC parser: " + what + ")");
        } finally {
            restoreParser();
        }
    }

    private static synchronized void quietParser() {
        if (loading++ == 0) {
            parserBefore = JMC_PARSER_LOG.getLevel();
            fieldBefore = JMC_FIELD_LOG.getLevel();
            // The parser logs a stack trace at INFO for a chunk it skips; RecordingCheck reports it instead.
            JMC_PARSER_LOG.setLevel(Level.WARNING);
            JMC_FIELD_LOG.setLevel(Level.SEVERE);
        }
    }

    private static synchronized void restoreParser() {
        if (--loading == 0) {
            JMC_PARSER_LOG.setLevel(parserBefore);
            JMC_FIELD_LOG.setLevel(fieldBefore);
        }
    }
}

package io.flashstrike.wal.bench;

import jdk.jfr.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped {@code jfc/flashstrike-wal.jfc} (from the classpath), as is or with one event disabled. */
final class Jfc {
    private Jfc() {
    }

    static String text() throws IOException {
        try (InputStream in = Jfc.class.getResourceAsStream("/jfc/flashstrike-wal.jfc")) {
            if (in == null) {
                throw new IOException("jfc/flashstrike-wal.jfc is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Configuration shipped() throws IOException, ParseException {
        return Configuration.create(new StringReader(text()));
    }

    /** A copy of the shipped file with {@code <setting name="enabled">false</setting>} for {@code event}. */
    static Configuration withDisabled(String event) throws IOException, ParseException {
        Pattern p = Pattern.compile("(<event name=\"" + Pattern.quote(event) + "\">\\s*<setting name=\"enabled\">)true(</setting>)");
        Matcher m = p.matcher(text());
        if (!m.find()) {
            throw new IllegalStateException(event + " has no enabled setting in the shipped .jfc");
        }
        return Configuration.create(new StringReader(m.replaceFirst("$1false$2")));
    }
}

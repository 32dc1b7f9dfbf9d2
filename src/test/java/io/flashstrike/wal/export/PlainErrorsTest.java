package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one line Jetty's own error answers carry: a client error's reason, never a server class. */
class PlainErrorsTest {
    @Test
    void aHandlerThatThrowsIsA500ThatNamesNothingOfTheServer() throws Exception {
        // client_java's scrape handler catches exceptions, not errors: an Error reaches Jetty
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, c -> {
            throw new AssertionError("internal detail");
        })) {
            for (String accept : new String[] {"text/html", "image/png", "*/*"}) {
                String all = StrictHttpTest.exchange(server.port(),
                        "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: " + accept + "\r\nConnection: close\r\n\r\n");
                assertEquals("500", StrictHttpTest.statuses(all).get(0), all);
                assertEquals("500 Server Error\n", all.substring(all.indexOf("\r\n\r\n") + 4), "Accept: " + accept + " -> " + all);
                assertFalse(all.contains("AssertionError") || all.contains("internal detail"), all);
            }
            String after = StrictHttpTest.exchange(server.port(), "GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(after.startsWith("HTTP/1.1 200 "), "the server still serves: " + after);
        }
    }

    @Test
    void aClientErrorKeepsItsReasonAServerErrorOnlyItsStatusAStopA503() {
        assertEquals("400 Illegal character CNTL=0x0\n", PlainErrors.line(400, "Illegal character CNTL=0x0", false));
        assertEquals("400 Bad Request\n", PlainErrors.line(400, null, false));
        assertEquals("400 a b\n", PlainErrors.line(400, "a\r\nb", false));
        assertEquals("500 Server Error\n", PlainErrors.line(500, "org.eclipse.jetty.io.EofException", false));
        assertEquals("503 the server is stopping\n", PlainErrors.line(503, "org.eclipse.jetty.io.EofException", true));
    }
}

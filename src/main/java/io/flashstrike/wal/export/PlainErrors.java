package io.flashstrike.wal.export;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Jetty's own answers (a request it could not parse, a head too large, a handler that failed) as
 * one plain line, not an HTML page, whatever the client accepts: the scraper and the operator's
 * curl read them. A client error keeps Jetty's reason ("Illegal character …"); a server error
 * says its status only, as Jetty's default would put the cause's {@code toString()} in the body.
 *
 * <p>A request failed because the server is stopping is a 503, not a 500: Jetty fails a request
 * that was parsed but not yet handled when its connection is closed by the stop, and writes the
 * error answer before the close (seen: {@code 500 org.eclipse.jetty.io.EofException} to a client
 * of the basic-auth attack test). The client should read "gone for now", not "broken".
 */
final class PlainErrors extends ErrorHandler {
    static final String STOPPING = "the server is stopping";

    PlainErrors() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
        setShowMessageInTitle(false);
        setDefaultResponseMimeType("text/plain");
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        boolean stopping = code >= 500 && !request.getConnectionMetaData().getConnector().isRunning();
        int status = stopping ? HttpStatus.SERVICE_UNAVAILABLE_503 : code;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(line(status, message, stopping).getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * @param message Jetty's reason: a parser's for a client error, else the cause's
     *                {@code toString()} (a server class name, which stays in the server)
     */
    static String line(int status, String message, boolean stopping) {
        if (stopping) {
            return status + " " + STOPPING + "\n";
        }
        if (status >= 500 || message == null || message.isBlank()) {
            return status + " " + HttpStatus.getMessage(status) + "\n";
        }
        return status + " " + message.replaceAll("[\\r\\n]+", " ") + "\n";
    }
}

package io.flashstrike.wal.export;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The head timeout Jetty does not have: its idle timeout restarts with every byte, so a client
 * sending its request head a byte a second would hold a connection for ever. Every quarter of
 * the timeout this sweeps the connector's connections and closes one that
 * <ul>
 * <li>has not completed a request head within the timeout of being accepted (silent, or stalled
 *     in its TLS handshake), or
 * <li>has been receiving the head of a later request for longer than the timeout.
 * </ul>
 * Reads only counters Jetty publishes for every connection (requests and bytes in); runs on
 * Jetty's scheduler thread. A kept-alive connection waiting quietly for its next scrape is left
 * to the idle timeout.
 */
final class HeadDeadline extends AbstractLifeCycle {
    private final ServerConnector connector;
    private final long timeoutNanos;
    private final Map<EndPoint, Progress> seen = new ConcurrentHashMap<>();
    private volatile Scheduler.Task next;

    /** What the last sweep saw of one connection; touched by the scheduler thread alone. */
    private static final class Progress {
        long requests = -1;
        long bytesAtLastRequest;
        long partialSince;
        boolean partial;
    }

    HeadDeadline(ServerConnector connector, Duration timeout) {
        this.connector = connector;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task t = next;
        if (t != null) {
            t.cancel();
        }
        seen.clear();
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            next = connector.getScheduler().schedule(this::sweep, Math.max(1, timeoutNanos / 4), TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            var open = connector.getConnectedEndPoints();
            seen.keySet().retainAll(open);
            for (EndPoint e : open) {
                Connection c = http(e);
                if (c != null && late(e, c, now)) {
                    e.close(); // Jetty fails whatever the connection was doing and frees it
                    seen.remove(e);
                }
            }
        } finally {
            schedule();
        }
    }

    /**
     * @return the HTTP connection of a network endpoint, inside TLS when there is TLS (its counts
     *         are the decrypted requests and bytes); null while it has none yet
     */
    static Connection http(EndPoint e) {
        Connection c = e.getConnection();
        return c instanceof SslConnection ssl ? ssl.getSslEndPoint().getConnection() : c;
    }

    private boolean late(EndPoint e, Connection c, long now) {
        long requests = c.getMessagesIn();
        long bytes = c.getBytesIn();
        if (requests == 0) {
            return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - e.getCreatedTimeStamp()) >= timeoutNanos;
        }
        Progress p = seen.computeIfAbsent(e, k -> new Progress());
        if (requests != p.requests) {
            p.requests = requests;
            p.bytesAtLastRequest = bytes;
            p.partial = false;
            return false;
        }
        if (bytes == p.bytesAtLastRequest) {
            p.partial = false; // quiet: the idle timeout's business
            return false;
        }
        if (!p.partial) {
            p.partial = true;
            p.partialSince = now;
            return false;
        }
        return now - p.partialSince >= timeoutNanos;
    }
}

package io.flashstrike.wal.export;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Keeps the connector's network connections at {@code max} by closing one for each newcomer past
 * it, instead of pausing accepts: a paused acceptor leaves a scraper's connection in the kernel's
 * backlog behind a flood of silent ones until they time out (seen: 778 ms at a cap of 64). The one
 * closed is the oldest that never completed a request (silent, or still trickling its head), else
 * the one idle longest if idle for {@code idleGraceMillis}; with neither, the newcomer stays and
 * Jetty's {@code NetworkConnectionLimit}, set above {@code max}, is the hard stop. A newcomer is
 * never the one closed: it has had no time to speak.
 *
 * <p>Jetty opens connections on its pool threads, several at once (its selector hands each
 * accepted socket to the pool): {@link #onOpened} is serialised, so two newcomers never pick the
 * same victim and each sheds its own (unserialised, Temurin 25 left 70 open at a cap of 64). It
 * reads only the counters Jetty keeps for every connection, like {@link HeadDeadline}.
 */
final class ConnectionShedding implements Connection.Listener {
    private final ServerConnector connector;
    private final int max;
    private final long idleGraceMillis;

    ConnectionShedding(ServerConnector connector, int max, long idleGraceMillis) {
        this.connector = connector;
        this.max = max;
        this.idleGraceMillis = idleGraceMillis;
    }

    @Override
    public synchronized void onOpened(Connection opened) {
        EndPoint newcomer = opened.getEndPoint();
        var open = connector.getConnectedEndPoints();
        // Called for each connection of an endpoint (TLS, then HTTP inside): act once, for the network one.
        if (open.size() <= max || !open.contains(newcomer) || opened != newcomer.getConnection()) {
            return;
        }
        EndPoint silent = null;
        long silentSince = Long.MAX_VALUE;
        EndPoint idle = null;
        long idleFor = idleGraceMillis - 1;
        for (EndPoint e : open) {
            if (e == newcomer || e.getConnection() == null || !e.isOpen()) {
                continue;
            }
            Connection c = HeadDeadline.http(e);
            if (c == null || c.getMessagesIn() == 0) {
                if (e.getCreatedTimeStamp() < silentSince) {
                    silentSince = e.getCreatedTimeStamp();
                    silent = e;
                }
            } else if (e instanceof IdleTimeout t && t.getIdleFor() > idleFor) {
                idleFor = t.getIdleFor();
                idle = e;
            }
        }
        EndPoint victim = silent != null ? silent : idle;
        if (victim != null) {
            victim.close();
        }
    }
}

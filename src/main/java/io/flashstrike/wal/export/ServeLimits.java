package io.flashstrike.wal.export;

import java.time.Duration;

/**
 * What one client may cost the {@code /metrics} server (README "Off loopback"). Every limit is
 * enforced by the server itself, per instance: no JVM-wide system property is read or set.
 *
 * @param maxConnections  connections open at once; at the cap a new one evicts the connection that
 *                        has waited longest for its request (idle or slow), else the one answering
 *                        longest past a second, and is refused only when every connection is
 *                        answering a request it began within the last second
 * @param headTimeout     from accept, or from the first byte of a request on a kept-alive
 *                        connection, to the end of its headers, TLS handshake included
 * @param idleTimeout     how long a kept-alive connection may wait for its next request
 * @param responseTimeout from the end of the headers to the last byte of the response written
 * @param maxHeadBytes    request line and headers together
 * @param maxHeaders      header lines in one request
 */
record ServeLimits(int maxConnections, Duration headTimeout, Duration idleTimeout, Duration responseTimeout,
                   int maxHeadBytes, int maxHeaders) {
    static final ServeLimits DEFAULT = new ServeLimits(32, Duration.ofSeconds(10), Duration.ofSeconds(120),
            Duration.ofSeconds(30), 16 * 1024, 100);
}

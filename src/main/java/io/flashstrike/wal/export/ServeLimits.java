package io.flashstrike.wal.export;

import java.time.Duration;

/**
 * What one client may cost the {@code /metrics} server (README "Off loopback"), handed to Jetty
 * per server instance: no JVM-wide system property is read or set.
 *
 * @param maxConnections network connections open at once. Jetty holds no thread for an idle
 *                       connection, so the cap guards the process's file descriptors, not its
 *                       threads. Past it each newcomer sheds an older connection: the oldest
 *                       that never completed a request, else one idle for {@code atCapIdleTimeout}
 *                       ({@link ConnectionShedding}). Only when none can be shed does Jetty's
 *                       {@code NetworkConnectionLimit}, {@link ScrapeServer#HARD_CAP_SLACK} above,
 *                       stop accepting and cut idle connections' timeout to {@code atCapIdleTimeout}
 * @param atCapIdleTimeout how long a kept-alive connection must be idle to be shed, and the idle
 *                       timeout at the hard cap
 * @param headTimeout    from accept to the end of the first request's headers (TLS handshake
 *                       included), and from the first byte of a later request to the end of its
 *                       headers: a client sending its head a byte at a time is cut off
 * @param idleTimeout    how long a connection may go without a byte read or written (Jetty's
 *                       idle timeout: a kept-alive connection between scrapes, a blocked write)
 * @param maxHeadBytes   request line and headers together (Jetty answers 431 beyond it)
 * @param maxThreads     the server's thread pool: a request is rendered on one of them
 */
record ServeLimits(int maxConnections, Duration atCapIdleTimeout, Duration headTimeout, Duration idleTimeout,
                   int maxHeadBytes, int maxThreads) {
    static final ServeLimits DEFAULT = new ServeLimits(512, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(120), 16 * 1024, 16);
}

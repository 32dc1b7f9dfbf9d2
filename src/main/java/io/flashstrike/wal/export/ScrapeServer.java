package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Jetty server behind {@link MetricsHttpServer}: one connector on one address, Jetty's own
 * HTTP/1.1 parser in its strictest compliance mode (RFC 9110/9112: conflicting
 * {@code Content-Length}, control bytes, a space before a colon are 400s and close the
 * connection), its idle timeout and network connection limit, TLS through
 * {@link TlsSettings#sslContextFactory()}, and {@link HeadDeadline} for the head timeout Jetty
 * lacks. {@link ScrapeHandler} answers.
 *
 * <p>Threads: Jetty's, all daemons named {@code flashstrike-metrics-*}, at most
 * {@link ServeLimits#maxThreads()} of them; one acceptor and one selector among them. Idle
 * connections hold no thread. The recovery's threads never run any of it.
 */
final class ScrapeServer implements AutoCloseable {
    /**
     * The one system property Jetty sets, once per class loader (its build's git hash, from
     * {@code org.eclipse.jetty.util.Jetty}'s static initialiser): taken back, as a host's JVM-wide
     * state is not ours to change.
     */
    private static final String JETTY_SETS = "jetty.git.hash";
    /** Connections above maxConnections that may stay open while none can be shed. */
    static final int HARD_CAP_SLACK = 32;
    private final Server server;
    private final ServerConnector connector;

    private ScrapeServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Binds and starts serving. */
    static ScrapeServer start(String bind, int port, PrometheusScrapeHandler handler, WebConfig web, ServeLimits limits)
            throws IOException {
        String gitHash = System.getProperty(JETTY_SETS);
        sparePlatformMBeanServer();
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), 2);
        threads.setName("flashstrike-metrics");
        threads.setDaemon(true); // never keeps a host JVM alive
        // Jetty's default scheduler thread is not a daemon: it would keep a host JVM from exiting
        Server server = new Server(threads, new ScheduledExecutorScheduler("flashstrike-metrics-scheduler", true), null);
        server.setStopAtShutdown(false); // no shutdown hook in a host's JVM: close() stops it

        HttpConfiguration http = new HttpConfiguration();
        http.setHttpCompliance(HttpCompliance.RFC9110); // no legacy leniency: RFC 9110/9112 as written
        http.setUriCompliance(UriCompliance.DEFAULT);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(limits.maxHeadBytes());
        http.setIdleTimeout(limits.idleTimeout().toMillis());
        if (web.tls()) {
            // Scrapes name the host by IP as often as by name: no SNI-to-certificate check (the old
            // server had none either); no HSTS header, which browsers, not Prometheus, read.
            SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
            secure.setStsMaxAge(-1);
            http.addCustomizer(secure);
        }
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        ConnectionFactory[] factories = web.tls()
                ? new ConnectionFactory[] {new SslConnectionFactory(web.tlsSettings().sslContextFactory(), h1.getProtocol()), h1}
                : new ConnectionFactory[] {h1};
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost(bind);
        connector.setPort(port);
        connector.setReuseAddress(true);
        connector.setAcceptQueueSize(128);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);

        // Past maxConnections a newcomer sheds an older connection (ConnectionShedding); Jetty's limit,
        // which pauses accepts, is the hard stop only when none can be shed.
        connector.addBean(new ConnectionShedding(connector, limits.maxConnections(), limits.atCapIdleTimeout().toMillis()));
        NetworkConnectionLimit cap = new NetworkConnectionLimit(limits.maxConnections() + HARD_CAP_SLACK, connector);
        cap.setEndPointIdleTimeout(limits.atCapIdleTimeout().toMillis());
        server.addBean(cap);
        server.addBean(new HeadDeadline(connector, limits.headTimeout()));
        server.setHandler(new ScrapeHandler(handler, web));
        server.setErrorHandler(new PlainErrors());
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            // Jetty wraps the bind failure; MetricsHttpServer words "port in use" for the operator
            throw e.getCause() instanceof java.net.BindException b ? b : e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("cannot start the /metrics server: " + WebConfig.oneLine(e), e);
        } finally {
            if (gitHash == null) {
                System.clearProperty(JETTY_SETS); // see JETTY_SETS
            }
        }
        return new ScrapeServer(server, connector);
    }

    /**
     * Jetty's {@code MemoryUtils} asks the platform MBean server whether oops are compressed unless
     * told how many references fill a cache line; that would create the MBean server and
     * initialise {@code java.util.logging} in a host's JVM before its own code could configure
     * either (the agent's rule: a host's logging is the host's). The property is set for the
     * class's initialisation only, and named after the class's package, so the agent's relocated
     * copy reads a name of its own. The value only sizes the padding of Jetty's queues.
     */
    private static void sparePlatformMBeanServer() {
        String name = org.eclipse.jetty.util.MemoryUtils.class.getPackageName() + ".referencesPerCacheLine";
        synchronized (ScrapeServer.class) {
            if (System.getProperty(name) != null) {
                return;
            }
            System.setProperty(name, "16"); // 64-byte line / 4-byte compressed reference
            try {
                org.eclipse.jetty.util.MemoryUtils.getCacheLineBytes(); // runs the static initialiser now
            } finally {
                System.clearProperty(name);
            }
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    /** @return network connections open now (tests, and the limits' documentation) */
    int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // failing to start already said what matters
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("stopping the /metrics server: " + WebConfig.oneLine(e), e);
        }
    }
}

package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server for {@code /metrics}, built so that no client can keep another from
 * being answered: client_java's {@link PrometheusScrapeHandler} renders (formats, gzip,
 * {@code name[]}), this class owns sockets, threads and time.
 *
 * <p>Threads: one acceptor, which never reads from a client (the TLS handshake and the request
 * happen on the connection's own thread), and one thread per open connection, at most twice
 * {@link ServeLimits#maxConnections()} alive (room for evicted ones still unwinding), all daemons
 * of this server. The recovery's threads never
 * run any of it. The acceptor also enforces every deadline: each connection publishes its
 * deadline (volatile), and a connection past it has its raw socket closed, which unblocks whatever
 * read or write its thread is in. Closing the raw socket, not the {@code SSLSocket} over it, never
 * waits for a lock the stuck thread holds.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver} (client_java's {@code HTTPServer}): it reads
 * request headers with blocking reads on its executor threads, bounded only by JVM-wide
 * properties ({@code sun.net.httpserver.maxReqTime}, read once per JVM), so a few silent or slow
 * connections occupy every thread; its connection cap refuses the newcomer, the well-behaved
 * scraper, rather than the idle connection. See docs/DESIGN.md.
 */
final class ScrapeServer implements AutoCloseable {
    /** A scrape renders and writes in milliseconds; one answering longer may be evicted at the cap. */
    static final long BUSY_GRACE_NANOS = 1_000_000_000L;
    private final ServerSocket listener;
    private final ServeLimits limits;
    /** One permit per live connection thread, taken by the acceptor, returned as the thread ends. */
    private final Semaphore threads;
    private long threadNumber;
    private final Thread acceptor;
    private final Set<ScrapeConnection> open = new HashSet<>(); // guarded by itself
    private final ScrapeConnection.Context context;
    private volatile boolean closed;

    private ScrapeServer(ServerSocket listener, ServeLimits limits, ScrapeConnection.Context context) {
        this.listener = listener;
        this.limits = limits;
        this.context = context;
        this.threads = new Semaphore(2 * limits.maxConnections());
        this.acceptor = new Thread(this::acceptLoop, "flashstrike-metrics-accept");
        acceptor.setDaemon(true);
    }

    /** Binds and starts accepting. */
    static ScrapeServer start(String bind, int port, PrometheusScrapeHandler handler, WebConfig web, ServeLimits limits)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 128);
            listener.setSoTimeout(100); // the acceptor wakes to enforce deadlines
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        SSLSocketFactory tls = web.tls() ? web.sslContext().getSocketFactory() : null;
        ScrapeServer s = new ScrapeServer(listener, limits, new ScrapeConnection.Context(handler, web, tls, limits));
        s.acceptor.start();
        return s;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** @return connections open now (tests, and the limits' documentation) */
    int openConnections() {
        synchronized (open) {
            return open.size();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket raw = null;
            try {
                raw = listener.accept();
            } catch (SocketTimeoutException tick) {
                // no client: fall through to the deadline sweep
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
            if (raw != null) {
                admit(raw);
            }
            sweep(System.nanoTime());
        }
    }

    private void admit(Socket raw) {
        ScrapeConnection c = new ScrapeConnection(raw, context, this::forget);
        synchronized (open) {
            if (open.size() >= limits.maxConnections()) {
                ScrapeConnection victim = victim(System.nanoTime());
                if (victim == null) {
                    ScrapeConnection.closeQuietly(raw); // every connection is answering: this one waits for a retry
                    return;
                }
                open.remove(victim);
                victim.abort();
            }
            open.add(c);
        }
        boolean started = false;
        try {
            // Evicted threads unwind within milliseconds of their socket closing: wait for one, briefly.
            if (threads.tryAcquire(1, TimeUnit.SECONDS)) {
                Thread t = new Thread(null, () -> {
                    try {
                        c.run();
                    } finally {
                        threads.release();
                    }
                }, "flashstrike-metrics-conn-" + ++threadNumber, 512 * 1024);
                t.setDaemon(true);
                t.start();
                started = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            if (!started) {
                forget(c);
                c.abort();
            }
        }
    }

    /**
     * The connection that has waited longest for a request; failing that, the one longest busy
     * past {@link #BUSY_GRACE_NANOS} (a client that asked and does not read its answer); else none.
     * Caller holds {@code open}.
     */
    private ScrapeConnection victim(long now) {
        ScrapeConnection idle = null;
        ScrapeConnection stuck = null;
        for (ScrapeConnection o : open) {
            if (o.waiting()) {
                if (idle == null || o.waitingSince() - idle.waitingSince() < 0) {
                    idle = o;
                }
            } else if (now - o.busySince() > BUSY_GRACE_NANOS && (stuck == null || o.busySince() - stuck.busySince() < 0)) {
                stuck = o;
            }
        }
        return idle != null ? idle : stuck;
    }

    private void sweep(long now) {
        List<ScrapeConnection> late = new ArrayList<>();
        synchronized (open) {
            for (ScrapeConnection c : open) {
                if (now - c.deadline() > 0) {
                    late.add(c);
                }
            }
            open.removeAll(late);
        }
        late.forEach(ScrapeConnection::abort);
    }

    private void forget(ScrapeConnection c) {
        synchronized (open) {
            open.remove(c);
        }
    }

    @Override
    public void close() {
        closed = true;
        ScrapeConnection.closeQuietly(listener);
        List<ScrapeConnection> all;
        synchronized (open) {
            all = new ArrayList<>(open);
            open.clear();
        }
        all.forEach(ScrapeConnection::abort);
        try {
            acceptor.join(5_000);
            // every connection thread gone: all permits back (bounded; a stuck render is not ours to kill)
            if (threads.tryAcquire(2 * limits.maxConnections(), 5, TimeUnit.SECONDS)) {
                threads.release(2 * limits.maxConnections());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 32 connections pipelining wrong passwords at a basic-auth /metrics (bcrypt cost 10), and a
 * scraper with the right ones beside them, first-ever login and then cached: every scrape is a
 * 200 within 2 s at the first try (from the guessers' own address, the first login waits for
 * their check under way), and no guess is ever told "wrong" (401) when its check did not run (503).
 * Linux routes all of 127/8 to loopback: guessers at 127.0.0.2 are "another address".
 */
class AuthUnderAttackTest {
    private static final int GUESSERS = 32;
    private static final long LIMIT_NANOS = 2_000_000_000L;

    @Test
    void theSameWrongPasswordFromTheScrapersOwnAddress(@TempDir Path tmp) throws Exception {
        attack(tmp, "127.0.0.1", i -> "wrong horse", "same wrong password, same address");
    }

    @Test
    void everyGuessDifferentFromAnotherAddress(@TempDir Path tmp) throws Exception {
        AtomicInteger n = new AtomicInteger();
        Map<Integer, Integer> statuses = attack(tmp, "127.0.0.2", i -> "guess-" + n.incrementAndGet(),
                "a new password each guess, another address");
        assertTrue(statuses.getOrDefault(503, 0) > 0, "the address past its failure budget is told 503: " + statuses);
        assertTrue(statuses.getOrDefault(401, 0) <= BasicAuthUsers.FAILURES_PER_WINDOW * 2,
                "at most the budget of bcrypt failures in the run's window(s): " + statuses);
    }

    private Map<Integer, Integer> attack(Path tmp, String guesserAddress, IntFunction<String> guess, String what) throws Exception {
        Path web = tmp.resolve("web.yml");
        Files.writeString(web, "basic_auth_users:\n  prometheus: " + TestPki.htpasswd("prometheus", "correct horse") + "\n");
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> guessers = new ArrayList<>();
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, WebConfig.load(web),
                c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c))) {
            for (int g = 0; g < GUESSERS; g++) {
                int id = g;
                Thread t = new Thread(() -> guessUntilStopped(server.port(), guesserAddress, () -> guess.apply(id), stop, statuses),
                        "guesser-" + g);
                t.setDaemon(true);
                t.start();
                guessers.add(t);
            }
            Thread.sleep(500); // the guessers are at it before the first login
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                long start = System.nanoTime();
                String r = get(server.port(), "127.0.0.1", "correct horse");
                long ns = System.nanoTime() - start;
                assertTrue(r.startsWith("HTTP/1.1 200 "), "scrape " + i + " during the attack: " + r.lines().findFirst().orElse(r));
                assertTrue(ns < LIMIT_NANOS, "scrape " + i + " took " + ns / 1e6 + " ms");
                latencies.add(ns);
                Thread.sleep(50);
            }
            stop.set(true);
            System.out.printf(Locale.ROOT, "auth attack (%s): %d guessers, first login %.1f ms, worst cached scrape %.1f ms, guess answers %s%n",
                    what, GUESSERS, latencies.get(0) / 1e6, latencies.subList(1, latencies.size()).stream().mapToLong(x -> x).max().orElseThrow() / 1e6,
                    statuses);
        } finally {
            stop.set(true);
            for (Thread t : guessers) {
                t.join(10_000);
            }
        }
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 503), "a guess is 401 or 503, nothing else: " + statuses);
        return statuses;
    }

    /** Connects, pipelines 8 guesses, reads to the close; again, until told to stop. */
    private static void guessUntilStopped(int port, String from, java.util.function.Supplier<String> guess, AtomicBoolean stop,
                                          Map<Integer, Integer> statuses) {
        while (!stop.get()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0)) {
                s.setSoTimeout(5_000);
                StringBuilder pipeline = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    pipeline.append(request(guess.get()));
                }
                s.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                for (String line : all.split("\r\n")) {
                    if (line.startsWith("HTTP/1.1 ")) {
                        int status = Integer.parseInt(line.substring(9, 12));
                        statuses.merge(status, 1, Integer::sum);
                        if (status != 401 && status != 503) {
                            System.out.println("unexpected answer to a guess (stop " + stop.get() + "): " + all.replace("\r\n", " | "));
                        }
                    }
                }
            } catch (IOException e) {
                // reset by the server's close while we were still writing: go again
            }
        }
    }

    private static String request(String password) {
        String credentials = java.util.Base64.getEncoder().encodeToString(("prometheus:" + password).getBytes(StandardCharsets.UTF_8));
        return "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + credentials + "\r\n\r\n";
    }

    private static String get(int port, String from, String password) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request(password).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

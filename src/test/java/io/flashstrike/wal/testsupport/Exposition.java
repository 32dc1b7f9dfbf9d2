package io.flashstrike.wal.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scrapes a /metrics endpoint with a real HTTP client and reads samples out of the text. */
public final class Exposition {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Exposition() {
    }

    public static String scrape(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        return r.body();
    }

    /**
     * Scrapes {@code url} every 100 ms until {@code ok} holds, for at most {@code limit}; fails with
     * the last scrape and the log of whoever serves it.
     */
    public static String awaitScrape(String url, Duration limit, java.nio.file.Path serverLog,
                                     java.util.function.Predicate<String> ok) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = scrape(url);
            if (ok.test(text)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + limit.toSeconds() + " s; last scrape:\n" + text + "\nserver:\n"
                + java.nio.file.Files.readString(serverLog));
    }

    /** @return every sample of an exposition, by {@code name{labels}} as rendered, in name order */
    public static java.util.Map<String, Double> samples(String text) {
        java.util.Map<String, Double> m = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.isEmpty() && !line.startsWith("#") && space > 0) {
                m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return m;
    }

    /** @return the sum of every sample of {@code name} whose label set contains {@code labelFilter} (may be "") */
    public static double sum(String text, String name, String labelFilter) {
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(text);
        double sum = 0;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(labelFilter)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}

package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;
import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The one collector seam: on every scrape, our blocks fill a fresh {@link SnapshotCollector} and
 * client_java renders the immutable {@link MetricSnapshots} it returns. The HTTP server, the push
 * and the tests all go through here, so no second path builds families its own way. Each
 * collection ends with {@code flashstrike_wal_build_info} ({@link BuildInfo}).
 */
public final class WalMetricsSource implements MultiCollector {
    /** The Prometheus text format's content type (0.0.4), what a plain {@code curl} gets. */
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics 1.0's, for an {@code Accept} header that asks for it. */
    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final HistogramBounds bounds;
    private final Consumer<MetricsCollector> exposure;

    /**
     * @param bounds   the {@code le} bounds of every latency histogram
     * @param exposure fills a collector, e.g. {@code c -> metrics.collect("flashstrike_wal", c)}
     */
    public WalMetricsSource(HistogramBounds bounds, Consumer<MetricsCollector> exposure) {
        this.bounds = bounds;
        this.exposure = exposure;
    }

    @Override
    public MetricSnapshots collect() {
        SnapshotCollector c = new SnapshotCollector(bounds);
        exposure.accept(c);
        BuildInfo.collect(c); // every scrape and push says which release and JDK produced it
        return c.snapshots();
    }

    /** @return one scrape rendered for {@code accept} (an HTTP {@code Accept} header; null for the text format) */
    public String render(String accept) {
        return render(collect(), accept);
    }

    /** Renders snapshots as client_java does for a request with that {@code Accept} header. */
    public static String render(MetricSnapshots snapshots, String accept) {
        ExpositionFormatWriter w = FORMATS.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            w.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The Prometheus text format of what {@code exposure} collects, with the default bounds. */
    public static String text(Consumer<MetricsCollector> exposure) {
        return new WalMetricsSource(HistogramBounds.DEFAULT, exposure).render(null);
    }
}

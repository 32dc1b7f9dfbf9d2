package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generates and verifies a gibibyte. Opt-in ({@code -Dwal.bench=true}): it needs 1 GiB of disk
 * and is a measurement, not a unit test.
 */
@EnabledIfSystemProperty(named = "wal.bench", matches = "true")
class GeneratorSpeedTest {
    @TempDir
    Path dir;

    @Test
    void oneGibibyte() throws Exception {
        long start = System.nanoTime();
        WalGenerator.Summary s = WalGenerator.into(dir).segments(16).segmentSize(64 << 20).payloadSize(1000)
                .generate();
        double genSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        List<SegmentVerification> results = Wal.verifyAll(dir, 1);
        double verifySeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("generated %d records, %d bytes in %.2f s (%.0f MiB/s); verified in %.2f s%n",
                s.records(), s.bytes(), genSeconds, s.bytes() / genSeconds / (1 << 20), verifySeconds);
        assertEquals(16, results.size());
        assertTrue(results.stream().allMatch(SegmentVerification::isOk));
        assertTrue(genSeconds < 10, "1 GiB in " + genSeconds + " s");
    }
}

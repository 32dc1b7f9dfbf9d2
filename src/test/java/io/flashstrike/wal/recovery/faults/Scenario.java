package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.recovery.faults.FaultCase.Kind;
import io.flashstrike.wal.recovery.faults.FaultCase.Site;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.testsupport.FaultyFileSystem;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One fault case applied to a freshly generated log: the damaged directory, where recovery must
 * stop, and what it must keep, drop and (with {@code --repair}) leave on disk. Every expectation
 * is computed here from the log as generated and the damaged bytes, independently of the code
 * under test.
 */
final class Scenario {
    final FaultCase fault;
    final WalFixture log;
    final FaultyFileSystem fs;
    final Site site;
    /** What recovery is given: the log's directory, through the delegating file system for I/O faults. */
    final Path dir;
    /** The directory after the damage, before any recovery. */
    final Map<String, byte[]> damaged;

    private Scenario(FaultCase fault, WalFixture log, FaultyFileSystem fs, Site site, Path dir,
                     Map<String, byte[]> damaged) {
        this.fault = fault;
        this.log = log;
        this.fs = fs;
        this.site = site;
        this.dir = dir;
        this.damaged = damaged;
    }

    static Scenario prepare(FaultCase fault, Path tmp) throws Exception {
        WalFixture log = FaultMatrix.generate(tmp.resolve("wal"));
        FaultyFileSystem fs = new FaultyFileSystem();
        Site site = fault.damage().apply(log, fs, tmp);
        Path dir = FaultMatrix.usesFaultyFileSystem(fault) ? fs.wrap(log.dir) : log.dir;
        return new Scenario(fault, log, fs, site, dir, Recoveries.snapshot(log.dir));
    }

    /** @return records recovery delivers in every mode: all before the fault */
    long delivered() {
        return site.lsn() - log.summary.firstLsn();
    }

    /** @return LSN of the last record delivered, -1 when none */
    long lastValidLsn() {
        return delivered() == 0 ? -1 : site.lsn() - 1;
    }

    /** @return segment files recovery finds */
    long segmentsFound() {
        return site.index() < 0 ? 0 : damaged.keySet().stream().filter(n -> id(n) >= 0).count();
    }

    /** @return segments whose valid records were read: all before the site, and the site's if it could be verified */
    long segmentsReplayed() {
        return site.index() < 0 ? 0 : site.index() + (site.verified() ? 1 : 0);
    }

    /**
     * @return bytes written after the last delivered record that were not delivered: the damaged
     * segment's bytes from its valid end to its last non-zero byte (all of it when it could not be
     * read), plus every later segment file whole
     */
    long dropped() {
        if (fault.kind() == Kind.CLEAN || site.index() < 0) {
            return 0;
        }
        long d = 0;
        byte[] file = damaged.get(name(site.file()));
        if (file != null && site.verified()) {
            d += Recoveries.writtenEnd(file, site.validEnd()) - site.validEnd();
        } else if (file != null) {
            d += site.truncatedTo() >= 0 ? site.truncatedTo() : file.length;
        }
        for (Map.Entry<String, byte[]> e : damaged.entrySet()) {
            if (id(e.getKey()) > site.segmentId()) {
                d += e.getValue().length;
            }
        }
        return d;
    }

    /** @return the directory as it must be after a recovery without {@code --repair}: as damaged */
    Map<String, byte[]> afterRecovery() {
        Map<String, byte[]> files = new TreeMap<>(damaged);
        if (site.truncatedTo() >= 0) { // the injected fault itself cuts the file during recovery
            files.computeIfPresent(name(site.file()), (n, b) -> Arrays.copyOf(b, (int) site.truncatedTo()));
        }
        return files;
    }

    /** @return whether {@code --repair} has something to change once recovery stopped at the site */
    boolean repairChangesFiles() {
        byte[] file = damaged.get(name(site.file()));
        boolean cut = site.verified() && file != null
                && (site.validEnd() == 0 || file.length > site.validEnd() || file.length < FaultMatrix.SEGMENT_SIZE);
        return cut || damaged.keySet().stream().anyMatch(n -> id(n) > site.segmentId());
    }

    /**
     * @return the directory after {@code --repair}: the damaged segment cut at its valid end and
     * zero-filled to its declared size (a clean end) with its original kept as {@code .broken}, or,
     * without a valid header, moved aside whole; every later segment moved aside as {@code .broken}
     */
    Map<String, byte[]> afterRepair() {
        Map<String, byte[]> files = new TreeMap<>(damaged);
        String name = name(site.file());
        byte[] file = damaged.get(name);
        if (site.verified() && file != null && site.validEnd() == 0) {
            files.remove(name);
            files.put(name + ".broken", file);
        } else if (site.verified() && file != null) {
            if (file.length > site.validEnd()) {
                files.put(name + ".broken", file);
            }
            byte[] clean = new byte[FaultMatrix.SEGMENT_SIZE]; // every generated header declares this size
            System.arraycopy(file, 0, clean, 0, (int) site.validEnd());
            files.put(name, clean);
        }
        for (Map.Entry<String, byte[]> e : damaged.entrySet()) {
            if (id(e.getKey()) > site.segmentId()) {
                files.remove(e.getKey());
                files.put(e.getKey() + ".broken", e.getValue());
            }
        }
        return files;
    }

    /** @return segment files after the site, which a point-in-time repair moves aside */
    long laterSegments() {
        return damaged.keySet().stream().filter(n -> id(n) > site.segmentId()).count();
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static long id(String name) {
        return SegmentFiles.parseId(Path.of(name));
    }
}

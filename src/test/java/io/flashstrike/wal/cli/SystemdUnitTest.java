package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The systemd unit of the distribution runs a sidecar that its options accept, and restarts it only on its own failure. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("src", "dist", "systemd", "flashstrike-wal-stream.service");

    @Test
    void itsExecStartParsesAndItRestartsOnFailureButNotOnAUsageError() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        String exec = value(lines, "ExecStart");
        List<String> words = Arrays.asList(exec.split("\\s+"));
        assertTrue(words.get(0).endsWith("/bin/flashstrike-wal"), exec);
        CommandLine cl = FlashstrikeWal.commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        assertEquals("stream", parsed.subcommand().commandSpec().name(), exec);
        StreamCommand stream = (StreamCommand) parsed.subcommand().commandSpec().userObject();
        assertTrue(!stream.once && stream.pid == -1 && stream.source.repository != null,
                "a sidecar that outlives its producers follows a parent repository: " + exec);
        assertEquals("on-failure", value(lines, "Restart"));
        assertEquals(String.valueOf(ExitCodes.USAGE), value(lines, "RestartPreventExitStatus"));
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1).strip()).findFirst()
                .orElseThrow(() -> new AssertionError(key + " not in " + UNIT));
    }
}

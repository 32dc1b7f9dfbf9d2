package io.flashstrike.wal.recovery.faults;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code docs/RECOVERY.md}'s case × mode table is the one {@link RecoveryTable} renders from the
 * fault matrix the tests assert: it cannot drift. On a difference the fresh table is in the failure
 * message; {@code -Drecovery.table.write=true} writes it into the document instead.
 */
class RecoveryDocTest {
    private static final Path DOC = Path.of("docs", "RECOVERY.md");

    @Test
    void theDocumentedTableIsTheOneTheMatrixAsserts() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(RecoveryTable.BEGIN);
        int end = doc.indexOf(RecoveryTable.END);
        assertTrue(begin >= 0 && end > begin, DOC + " lacks the markers " + RecoveryTable.BEGIN + " ... " + RecoveryTable.END);
        String documented = doc.substring(begin + RecoveryTable.BEGIN.length(), end).strip();
        String fresh = RecoveryTable.render().strip();
        if (documented.equals(fresh)) {
            return;
        }
        if (Boolean.getBoolean("recovery.table.write")) {
            Files.writeString(DOC, doc.substring(0, begin + RecoveryTable.BEGIN.length()) + "\n" + fresh + "\n"
                    + doc.substring(end), StandardCharsets.UTF_8);
            return;
        }
        fail(DOC + "'s fault table differs from the matrix the tests assert; replace it with (or run with"
                + " -Drecovery.table.write=true):\n\n" + fresh + "\n");
    }

    @Test
    void everyFaultOfTheIssueHasARow() {
        for (int n = 1; n <= 14; n++) {
            int number = n;
            assertTrue(FaultMatrix.CASES.stream().anyMatch(c -> c.number() == number), "fault " + n + " has no case");
        }
        assertEquals(FaultMatrix.CASES.size(), FaultMatrix.CASES.stream().map(FaultCase::id).distinct().count(),
                "case ids are unique");
    }
}

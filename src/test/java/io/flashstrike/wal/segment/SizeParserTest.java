package io.flashstrike.wal.segment;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeParserTest {
    @ParameterizedTest(name = "''{0}'' = {1}")
    @CsvSource(delimiter = '|', value = {
            "0            | 0",
            "4096         | 4096",
            "1KiB         | 1024",
            "64KiB        | 65536",
            "64MiB        | 67108864",
            "1GiB         | 1073741824",
            "3GiB         | 3221225472",
            "64mib        | 67108864",
            "64MIB        | 67108864",
            "'  8 KiB '   | 8192",
            "007MiB       | 7340032",
            "8589934591GiB | 9223372035781033984",
            "9223372036854775807 | 9223372036854775807",
    })
    void accepts(String text, long bytes) {
        assertEquals(bytes, SizeParser.parse(text));
    }

    @ParameterizedTest(name = "rejects ''{0}''")
    @ValueSource(strings = {"", " ", "MiB", "64KB", "64MB", "64GB", "64K", "64M", "64B", "1.5MiB", "-1", "+1",
            "64 MiB x", "64MiBs", "0x10", "ten", "1 2", "1TiB", "１２"})
    void rejectsGarbage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("KiB, MiB or GiB"), e.getMessage());
    }

    @ParameterizedTest(name = "overflow ''{0}''")
    @ValueSource(strings = {"8589934592GiB", "9223372036854775808", "99999999999999999999999KiB"})
    void rejectsOverflow(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(text));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    /** One decimal of the largest unit that does not round up to 1024 of itself: never "1024.0 KiB". */
    @ParameterizedTest(name = "{0} B prints ''{1}''")
    @CsvSource(delimiter = '|', value = {
            "0                   | 0 B",
            "1023                | 1023 B",
            "1024                | 1.0 KiB",
            "1536                | 1.5 KiB",
            "1048063             | 1023.5 KiB",
            "1048524             | 1023.9 KiB",
            "1048525             | 1.0 MiB",
            "1048575             | 1.0 MiB",
            "1048576             | 1.0 MiB",
            "268435456           | 256.0 MiB",
            "1073741824          | 1.0 GiB",
            "1099511627776       | 1.0 TiB",
            "9223372036854775807 | 8388608.0 TiB",
    })
    void formats(long bytes, String text) {
        assertEquals(text, SizeParser.format(bytes));
    }

    @org.junit.jupiter.api.Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(null));
    }
}

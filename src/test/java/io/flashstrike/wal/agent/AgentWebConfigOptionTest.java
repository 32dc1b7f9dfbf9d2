package io.flashstrike.wal.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent takes the same web configuration file as the CLI, as {@code web-config-file=PATH}. */
class AgentWebConfigOptionTest {
    @Test
    void webConfigFileIsAnOptionAndAnUnreadableOneIsRefusedInPremain(@TempDir Path tmp) throws Exception {
        Path web = Files.writeString(tmp.resolve("web.yml"), "basic_auth_users: {}\n");
        assertEquals(web, AgentOptions.parse("port=0,web-config-file=" + web).webConfigFile());
        assertNull(AgentOptions.parse("port=0").webConfigFile());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("web-config-file=" + tmp.resolve("absent.yml")));
        assertTrue(e.getMessage().startsWith("option 'web-config-file': cannot read "), e.getMessage());
    }

    @Test
    void nativeHistogramsTakeASchemaAndABadOneIsRefusedNamingIt() {
        assertNull(AgentOptions.parse("port=0").histograms().nativeBuckets());
        assertEquals(5, AgentOptions.parse("native-histograms=5").histograms().nativeBuckets().schema());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("native-histograms=12"));
        assertEquals("option 'native-histograms': native histogram schema 12 is not one of Prometheus' (-4 to 8)", range.getMessage());
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("native-histograms=yes"));
        assertEquals("option 'native-histograms': 'yes' is not a schema (-4 to 8)", word.getMessage());
    }
}

package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md's command synopses are generated from the commands' picocli model: every option, the
 * default as {@code --help} prints it. Drift fails here; to regenerate the block:
 * {@code mvn -o test -Dtest=ReadmeSynopsesTest -Dreadme.update=true}.
 */
class ReadmeSynopsesTest {
    static final Path README = Path.of("README.md");
    static final String BEGIN = "<!-- synopses: generated from each command's --help by ReadmeSynopsesTest; do not edit -->";
    static final String END = "<!-- end of synopses -->";
    private static final int WIDTH = 110;
    /** A one-token default in the help, e.g. {@code (default: 64MiB)} or {@code (default: 127.0.0.1: this machine only)}. */
    private static final Pattern DEFAULT = Pattern.compile("\\(default: ([^\\s),;]+?)(?:\\)|:\\s)");

    @Test
    void readmeShowsTheSynopsesTheCliHas() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md has the generated block between " + BEGIN + " and " + END);
        String block = "\n```text\n" + synopses() + "```\n";
        String current = readme.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(README, readme.substring(0, begin + BEGIN.length()) + block + readme.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(block, current, "README.md's synopses differ from the CLI; regenerate with -Dreadme.update=true");
    }

    @Test
    void defaultsComeFromTheHelpText() {
        String s = synopses();
        // the numbers the help prints, not the ones a README once had
        assertTrue(s.contains("tools/flashstrike-wal generate --dir DIR [--fsync]"), s);
        assertTrue(s.contains("[--segments 8]") && s.contains("[--segment-size 64MiB]"), s);
        assertTrue(s.contains("[--mode tolerate-tail]"), s);
        assertTrue(s.contains("[--metrics-bind 127.0.0.1]"), s);
        assertTrue(s.contains("(--repository DIR | --jmx HOST:PORT)"), s);
        assertTrue(s.contains("[--format text|json|csv]"), s);
    }

    /** One synopsis per command, wrapped at {@value #WIDTH} between options, never inside one. */
    static String synopses() {
        StringBuilder sb = new StringBuilder();
        HelpTextTest.commands().forEach((name, cl) -> {
            if (!name.isEmpty()) {
                sb.append(wrap("tools/flashstrike-wal " + name, items(cl)));
            }
        });
        return sb.toString();
    }

    private static List<String> items(CommandLine cl) {
        List<String> items = new ArrayList<>();
        // Required first, then by name: picocli lists a mixin's option methods in reflection order, which differs between JDKs.
        List<OptionSpec> options = new ArrayList<>(cl.getCommandSpec().options());
        options.sort(java.util.Comparator.comparing((OptionSpec o) -> !o.required()).thenComparing(OptionSpec::longestName));
        for (OptionSpec o : options) {
            if (o.usageHelp() || o.versionHelp() || o.group() != null) {
                continue;
            }
            items.add(o.required() ? option(o) : "[" + option(o) + "]");
        }
        for (ArgGroupSpec g : cl.getCommandSpec().argGroups()) {
            List<String> members = g.options().stream().map(ReadmeSynopsesTest::option).toList();
            String joined = String.join(g.exclusive() ? " | " : " ", members);
            items.add(g.multiplicity().min() > 0 ? "(" + joined + ")" : "[" + joined + "]");
        }
        for (PositionalParamSpec p : cl.getCommandSpec().positionalParameters()) {
            items.add(p.paramLabel());
        }
        return items;
    }

    /** {@code --name}, {@code --name DEFAULT} when the help names a one-token default, else {@code --name LABEL} (choices too). */
    private static String option(OptionSpec o) {
        if (o.arity().max() == 0) {
            return o.longestName();
        }
        Matcher m = DEFAULT.matcher(String.join(" ", o.description()));
        // a list of choices says more than the default among them, which the help names
        String value = m.find() && !o.paramLabel().contains("|") ? m.group(1) : o.paramLabel();
        return o.arity().min() == 0 ? o.longestName() + "[=" + o.fallbackValue() + "]" : o.longestName() + " " + value;
    }

    private static String wrap(String head, List<String> items) {
        StringBuilder all = new StringBuilder();
        StringBuilder line = new StringBuilder(head);
        String indent = " ".repeat(head.length() + 1);
        for (String item : items) {
            if (line.length() + 1 + item.length() > WIDTH && line.length() > indent.length()) {
                all.append(line).append('\n');
                line = new StringBuilder(indent.substring(1));
            }
            line.append(' ').append(item);
        }
        return all.append(line).append('\n').toString();
    }
}

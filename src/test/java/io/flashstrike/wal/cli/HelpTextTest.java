package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's {@code --help} as picocli renders it: flags and paths are never broken across
 * lines (so they can be pasted), every option with a default says it, every command lists its
 * exit codes.
 */
class HelpTextTest {
    /** A flag ({@code -XX:...}, {@code --x}), a path, an assignment or a dotted name: what a reader pastes. */
    private static final Pattern PASTABLE = Pattern.compile("-{1,2}[A-Za-z].*|.*/.*|.*=.*|[A-Za-z_]+(\\.[A-Za-z_]+){2,}.*");

    /** Every command but picocli's own {@code help}, the top level first. */
    static Map<String, CommandLine> commands() {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        CommandLine top = FlashstrikeWal.commandLine();
        all.put("", top);
        top.getSubcommands().forEach((name, cl) -> {
            if (!name.equals("help")) {
                all.put(name, cl);
            }
        });
        return all;
    }

    static String usage(CommandLine cl) {
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void flagsAndPathsAreNeverBrokenAcrossLines() {
        List<String> broken = new ArrayList<>();
        commands().forEach((name, cl) -> {
            String usage = usage(cl);
            for (String text : sourceTexts(cl.getCommandSpec())) {
                for (String raw : text.split("\\s+")) {
                    String token = raw.replaceAll("^[(\"'`]+", "").replaceAll("[)\"'`,;.:]+$", "");
                    if (token.length() > 2 && PASTABLE.matcher(token).matches() && !usage.contains(token)) {
                        broken.add(name + ": " + token);
                    }
                }
            }
        });
        assertEquals(List.of(), broken, "tokens broken by the help's line wrapping");
    }

    @Test
    void everyOptionWithADefaultSaysItInHelp() {
        List<String> silent = new ArrayList<>();
        commands().forEach((name, cl) -> {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                String initial = o.defaultValueString();
                boolean hasDefault = initial != null && !initial.equals("false") && !initial.equals("null")
                        && !o.required() && !o.usageHelp() && !o.versionHelp() && o.arity().max() > 0;
                if (hasDefault && !String.join(" ", o.description()).contains("default")) {
                    silent.add(name + " " + o.longestName() + " (" + initial + ")");
                }
            }
        });
        assertEquals(List.of(), silent, "options whose default --help does not show");
    }

    @Test
    void everyCommandListsItsExitCodes() {
        commands().forEach((name, cl) -> {
            String usage = usage(cl);
            assertTrue(usage.contains("\nExit codes:\n"), name + ": " + usage);
            assertTrue(usage.matches("(?s).*\n  0 +\\S.*"), name + " lists 0: " + usage);
            assertTrue(usage.matches("(?s).*\n  2 +usage error.*"), name + " lists 2: " + usage);
        });
    }

    @Test
    void topLevelHelpNamesEveryCommandAndWhereTheOptionsAre() {
        String usage = usage(FlashstrikeWal.commandLine());
        commands().keySet().stream().filter(n -> !n.isEmpty())
                .forEach(n -> assertTrue(usage.contains("\n  " + n + " "), n + " in: " + usage));
        assertTrue(usage.contains("COMMAND --help"), usage);
    }

    /** The text the help is made of, as written (variables filled in), before picocli wraps it. */
    private static List<String> sourceTexts(CommandSpec spec) {
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        texts.addAll(List.of(spec.usageMessage().header()));
        texts.addAll(List.of(spec.usageMessage().footer()));
        texts.addAll(spec.usageMessage().exitCodeList().values());
        List<ArgSpec> args = new ArrayList<>(spec.options());
        args.addAll(spec.positionalParameters());
        for (ArgSpec a : args) {
            texts.addAll(List.of(a.description()));
        }
        return texts.stream().map(t -> t.replace("%n", " ").replace("%%", "%")).toList();
    }
}

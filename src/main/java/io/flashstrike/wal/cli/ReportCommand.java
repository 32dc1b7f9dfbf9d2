package io.flashstrike.wal.cli;

import io.flashstrike.wal.report.RecordingReport;
import io.flashstrike.wal.report.UnreadableRecordingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code report}: figures and automated analysis of a JFR recording's WAL recovery events. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = {"Read a JFR recording with the JMC core parser and report, per flashstrike.wal.* event type:"
                + " count, failures by status, duration min/mean/p50/p90/p99/p99.9/max, bytes and MB/s, the replay"
                + " thread's time blocked on the preloader, the slowest operations; then the automated-analysis rules"
                + " (ours and the JDK's) with their scores."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report printed (also when the recording has none of our events: it says so)",
                "1:failure (cannot write the --html file, ...)",
                "2:usage error, or FILE is not a readable recording (missing, empty, not JFR, truncated, newer format)"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .jfr recording.")
    Path file;

    @Option(names = "--format", paramLabel = "text|json|csv",
            description = "Output on stdout: text, json or csv (the per-type table) (default: text).")
    String format = "text";

    @Option(names = "--html", paramLabel = "OUT.html",
            description = "Also write a self-contained HTML page (latency over time, histograms, tables).")
    Path html;

    @Option(names = "--top", paramLabel = "N", description = "Slowest operations to list per event type (default: ${DEFAULT-VALUE}).")
    int top = 10;

    @Option(names = "--rules", paramLabel = "all|wal|none",
            description = "Automated-analysis rules to run: all (ours and the JDK's), wal (ours only), none (default: all).")
    String rules = "all";

    @Override
    public Integer call() throws Exception {
        RecordingReport.Format fmt = parse(RecordingReport.Format.class, format, "--format");
        RecordingReport.Rules ruleSet = parse(RecordingReport.Rules.class, rules, "--rules");
        if (top < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--top': " + top + " (0 or more)");
        }
        RecordingReport report;
        try {
            report = RecordingReport.load(file, new RecordingReport.Options(top, ruleSet));
        } catch (UnreadableRecordingException e) {
            spec.commandLine().getErr().println("flashstrike-wal report: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (html != null) {
            try {
                Files.writeString(html, report.renderHtml(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                spec.commandLine().getErr().println("flashstrike-wal report: cannot write " + html + ": " + ErrorLines.about(html, e));
                return ExitCodes.FAILURE;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.render(fmt));
        if (html != null && fmt == RecordingReport.Format.TEXT) {
            out.println("HTML report: " + html.toAbsolutePath());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private <E extends Enum<E>> E parse(Class<E> type, String value, String option) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': '" + value
                    + "' (one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
    }
}

package io.flashstrike.wal.report;

import org.openjdk.jmc.common.IDisplayable;
import org.openjdk.jmc.common.IMCFrame;
import org.openjdk.jmc.common.IMCMethod;
import org.openjdk.jmc.common.IMCThread;
import org.openjdk.jmc.common.IMCType;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.IRange;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.common.util.FormatToolkit;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.TypedCollectionResult;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A rule result's message (summary, explanation, solution) as plain text, its {@code {name}}
 * placeholders filled from the rule's typed results by us rather than by JMC's
 * {@code ResultToolkit}: that one leaves MessageFormat's doubled quotes ({@code thread ''main''})
 * and prints time ranges as {@code 4:06:47.377.000 AM – .389}. Here a timestamp is ISO-8601 UTC
 * with milliseconds, a range is {@code start to end} in full, a duration is in {@link Units#duration}.
 */
final class RuleText {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");
    /** A message JMC did not find in its bundle comes through as its key, e.g. {@code PID1Rule_TEXT_OK}. */
    private static final Pattern MESSAGE_KEY = Pattern.compile("\\w+_TEXT_\\w+");
    /** Always with milliseconds, so every timestamp of a report has one shape. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final IResult result;
    private final Map<String, Object> values = new HashMap<>();

    private RuleText(IResult result) {
        this.result = result;
        if (result.getRule() != null) {
            for (TypedResult<?> t : result.getRule().getResults()) {
                values.put(t.getIdentifier(), t);
            }
            for (TypedPreference<?> p : result.getRule().getConfigurationAttributes()) {
                values.putIfAbsent(p.getIdentifier(), p);
            }
        }
        values.putIfAbsent(TypedResult.SCORE.getIdentifier(), TypedResult.SCORE);
    }

    static RuleText of(IResult result) {
        return new RuleText(result);
    }

    /** @return {@code template} with its placeholders filled, quotes un-doubled; empty for none or an unresolved message key */
    String render(String template) {
        if (template == null || MESSAGE_KEY.matcher(template.strip()).matches()) {
            return "";
        }
        // JMC's templates are MessageFormat patterns: '' stands for one quote. Undone here, before any
        // value goes in, so a value's own quotes are kept.
        String t = decodeEntities(template).replace("''", "'");
        Matcher m = PLACEHOLDER.matcher(t);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = value(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(sb);
        return sb.toString().strip();
    }

    private String value(String id) {
        Object key = values.get(id);
        Object v;
        if (key instanceof TypedCollectionResult<?> c) {
            v = result.getResult(c);
        } else if (key instanceof TypedResult<?> r) {
            v = result.getResult(r);
        } else if (key instanceof TypedPreference<?> p) {
            v = result.getPreference(p);
        } else {
            return null;
        }
        return v == null ? null : format(v);
    }

    /** Our rendering of one value of a rule result. */
    static String format(Object v) {
        if (v instanceof Collection<?> c) {
            return c.stream().map(RuleText::format).collect(Collectors.joining(", "));
        }
        if (v instanceof IQuantity q) {
            return quantity(q);
        }
        if (v instanceof IRange<?> r && r.getStart() instanceof IQuantity s && r.getEnd() instanceof IQuantity e) {
            return quantity(s) + " to " + quantity(e);
        }
        if (v instanceof IMCThread t) {
            return t.getThreadName();
        }
        if (v instanceof IMCType t) {
            return t.getFullName();
        }
        if (v instanceof IMCMethod m) {
            return FormatToolkit.getHumanReadable(m);
        }
        if (v instanceof IMCFrame f) {
            return f.getMethod() == null ? String.valueOf(f) : FormatToolkit.getHumanReadable(f.getMethod());
        }
        if (v instanceof IDisplayable d) {
            return d.displayUsing(IDisplayable.AUTO);
        }
        return String.valueOf(v);
    }

    private static String quantity(IQuantity q) {
        if (q.getUnit().getContentType() == UnitLookup.TIMESTAMP) {
            long ns = q.clampedLongValueIn(UnitLookup.EPOCH_NS);
            return ISO.format(Instant.ofEpochSecond(0, ns));
        }
        if (q.getUnit().getContentType() == UnitLookup.TIMESPAN) {
            return Units.duration(q.doubleValueIn(UnitLookup.NANOSECOND));
        }
        return q.displayUsing(IDisplayable.AUTO);
    }

    /** Templates may carry the HTML entities of JMC's HTML mode; plain text here. */
    private static String decodeEntities(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }
}

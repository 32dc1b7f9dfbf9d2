package io.flashstrike.wal.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/** A small streaming JSON writer (two-space indent), enough for the report; no dependency. */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** Per open container: whether it already has an element. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter beginObject() {
        return begin('{');
    }

    JsonWriter endObject() {
        return end('}');
    }

    JsonWriter beginArray() {
        return begin('[');
    }

    JsonWriter endArray() {
        return end(']');
    }

    JsonWriter name(String name) {
        separate();
        quote(name);
        out.append(": ");
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        separate();
        if (s == null) {
            out.append("null");
        } else {
            quote(s);
        }
        return this;
    }

    JsonWriter value(long v) {
        separate();
        out.append(v);
        return this;
    }

    /** Writes a finite double with up to 6 decimals; NaN and infinities as null. */
    JsonWriter value(double v) {
        separate();
        if (!Double.isFinite(v)) {
            out.append("null");
        } else {
            String s = String.format(Locale.ROOT, "%.6f", v);
            s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
            out.append(s);
        }
        return this;
    }

    JsonWriter value(boolean v) {
        separate();
        out.append(v);
        return this;
    }

    JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private JsonWriter begin(char c) {
        separate();
        out.append(c);
        open.push(new boolean[1]);
        return this;
    }

    private JsonWriter end(char c) {
        boolean any = open.pop()[0];
        if (any) {
            newline();
        }
        out.append(c);
        return this;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        boolean[] state = open.peek();
        if (state != null) {
            if (state[0]) {
                out.append(',');
            }
            state[0] = true;
            newline();
        }
    }

    private void newline() {
        out.append('\n').append("  ".repeat(open.size()));
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

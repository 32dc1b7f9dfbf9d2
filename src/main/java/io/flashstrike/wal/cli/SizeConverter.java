package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SizeParser;
import picocli.CommandLine;

/** Parses sizes such as {@code 64MiB}; a bad size is a usage error with the parser's message. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return SizeParser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}

package io.flashstrike.wal.cli;

import picocli.CommandLine;

/**
 * A file an option names cannot serve (missing, unreadable, not of its format): a usage error,
 * exit 2, checked before any work; printed as one line, without the usage help under it, since
 * the command line is right and the file is not.
 */
class OptionFileException extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    OptionFileException(CommandLine cl, String message, Throwable cause) {
        super(cl, message, cause);
    }
}

package io.flashstrike.wal.cli;

/** Exit codes of every command; listed in {@code --help}. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int CORRUPTION = 3;

    private ExitCodes() {
    }
}

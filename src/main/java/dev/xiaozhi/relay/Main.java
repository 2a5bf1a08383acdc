package dev.xiaozhi.relay;

import dev.xiaozhi.relay.cli.RelayCommand;

/** Entry point of {@code xiaozhi-relay.jar}. */
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        int status = RelayCommand.commandLine().execute(args);
        if (status != RelayCommand.KEEP_RUNNING) {
            System.exit(status);
        }
    }
}

package dev.xiaozhi.relay.registry.store;

import java.nio.file.Path;

/**
 * A registry journal with a damaged complete line (one that ends in a newline, so written whole and acknowledged):
 * it is refused as it is, never emptied or rewritten.
 */
public final class CorruptJournalException extends IllegalStateException {

    /** Creates the exception for a damaged line. */
    public CorruptJournalException(Path file, int line, String reason) {
        super("the registry journal " + file + " is corrupt at line " + line + " (" + reason + "); the relay will "
                + "not start on it and has not changed it: restore it from a backup, or move it aside to start "
                + "with an empty registry");
    }
}

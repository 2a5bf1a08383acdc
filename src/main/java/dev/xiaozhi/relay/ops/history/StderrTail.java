package dev.xiaozhi.relay.ops.history;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@value #LINES} lines a server process wrote to stderr, each cut to {@value #MAX_CHARS} characters and
 * redacted ({@link Redaction}) as it comes, for the record of its restart. Thread-safe: a reader thread adds.
 */
public final class StderrTail {

    /** Lines kept. */
    public static final int LINES = 20;
    /** Characters kept of a line. */
    public static final int MAX_CHARS = 300;

    private final String[] ring = new String[LINES];
    private int next;
    private int size;

    /** Keeps a line. */
    public void add(String line) {
        String kept = Redaction.redact(line.length() > MAX_CHARS ? line.substring(0, MAX_CHARS) + "…" : line);
        synchronized (this) {
            ring[next] = kept;
            next = (next + 1) % LINES;
            size = Math.min(size + 1, LINES);
        }
    }

    /** The lines kept, oldest first. */
    public synchronized List<String> lines() {
        List<String> lines = new ArrayList<>(size);
        for (int k = size; k >= 1; k--) {
            lines.add(ring[Math.floorMod(next - k, LINES)]);
        }
        return lines;
    }
}

package dev.xiaozhi.relay.upstream.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a stream into lines of at most {@code maxBytes} bytes (a carriage return is dropped, invalid UTF-8
 * replaced, empty lines skipped), holding no more than one such line in memory: of a longer line only its first
 * {@value #HEAD_BYTES} bytes are kept while the rest is read and thrown away. Blocking; runs on a thread of its own.
 */
final class BoundedLineReader {

    /** How much of an over-long line is kept, for its JSON-RPC id and the log. */
    static final int HEAD_BYTES = 1024;

    private static final int CHUNK_BYTES = 8192;

    /** Where the lines go; called on the reading thread, which may block there (backpressure). */
    interface Lines {

        /** A whole line. */
        void line(String line) throws InterruptedException;

        /** A line over the bound, ended: its first bytes and its whole length. */
        void overLong(String head, long bytes) throws InterruptedException;
    }

    private final int maxBytes;
    private byte[] line = new byte[CHUNK_BYTES];
    private int length;
    private long overLongBytes = -1;

    BoundedLineReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Reads {@code stream} to its end (or until the thread is interrupted while handing a line on). */
    void read(InputStream stream, Lines lines) throws IOException, InterruptedException {
        byte[] chunk = new byte[CHUNK_BYTES];
        for (int read = stream.read(chunk); read >= 0; read = stream.read(chunk)) {
            for (int i = 0; i < read; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    end(lines);
                } else if (b != '\r') {
                    append(b);
                }
            }
        }
    }

    private void append(byte b) {
        if (overLongBytes >= 0) {
            overLongBytes++;
            return;
        }
        if (length == maxBytes) {
            overLongBytes = length + 1L;
            length = Math.min(length, HEAD_BYTES);
            line = Arrays.copyOf(line, Math.min(line.length, Math.max(HEAD_BYTES, CHUNK_BYTES)));
            return;
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, (int) Math.min(maxBytes, 2L * line.length));
        }
        line[length++] = b;
    }

    private void end(Lines lines) throws InterruptedException {
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        long overLong = overLongBytes;
        length = 0;
        overLongBytes = -1;
        if (line.length > CHUNK_BYTES) {
            line = new byte[CHUNK_BYTES];
        }
        if (overLong >= 0) {
            lines.overLong(text, overLong);
        } else if (!text.isEmpty()) {
            lines.line(text);
        }
    }
}

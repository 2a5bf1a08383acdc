package dev.xiaozhi.relay.registry.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code file} store: an append-only journal, one checksummed JSON line per write, forced to disk before the
 * write completes, so every acknowledged write survives {@code kill -9}. On open the journal is replayed. Only a last
 * line without its newline can be a write torn by a crash, never acknowledged: it is cut off with a warning, unless
 * it holds a whole checksummed line (only its line end missing or damaged), whose record is kept and its line end
 * written again. A damaged line that ends in a newline was written whole and acknowledged, wherever it is: the file
 * is corrupt and it is refused, never emptied. A write that fails (a full disk) is cut off the journal again, so
 * the next one starts a line of its own. Once the journal holds many more lines than records it is compacted: the
 * live records are written to a new file, forced, and moved over the journal atomically; a compaction that fails
 * leaves the journal as it was, open. The
 * journal is locked: a second process on the same file is refused. All file work runs on one worker thread of its
 * own.
 */
public final class FileRegistryStore implements RegistryStore {

    /** Journal lines beyond twice the records (and at least this many) trigger a compaction. */
    public static final int DEFAULT_COMPACT_AFTER = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(FileRegistryStore.class);

    private final Path file;
    private final WorkerExecutor worker;
    private final int compactAfter;
    private final Map<String, Map<String, String>> records = new TreeMap<>();
    private FileChannel channel;
    private long lines;
    private long compactionRetryAt;

    private FileRegistryStore(Vertx vertx, Path file, int compactAfter) {
        this.file = file;
        this.compactAfter = compactAfter;
        this.worker = vertx.createSharedWorkerExecutor("relay-registry-journal", 1);
    }

    /** Opens (or creates) a journal and replays it. */
    public static Future<FileRegistryStore> open(Vertx vertx, Path file) {
        return open(vertx, file, DEFAULT_COMPACT_AFTER);
    }

    /** Opens a journal with a compaction threshold of its own. */
    static Future<FileRegistryStore> open(Vertx vertx, Path file, int compactAfter) {
        FileRegistryStore store = new FileRegistryStore(vertx, file, compactAfter);
        return store.worker.executeBlocking(() -> {
            store.replay();
            return store;
        }).onFailure(e -> store.worker.close());
    }

    @Override
    public Future<Map<String, Map<String, String>>> load() {
        return worker.executeBlocking(() -> {
            Map<String, Map<String, String>> copy = new TreeMap<>();
            records.forEach((collection, byKey) -> copy.put(collection, Map.copyOf(byKey)));
            return copy;
        });
    }

    @Override
    public Future<Void> put(String collection, String key, String json) {
        return append(new JournalLine(true, collection, key, json));
    }

    @Override
    public Future<Void> putAll(String collection, Map<String, String> batch) {
        List<JournalLine> lines = new ArrayList<>(batch.size());
        batch.forEach((key, json) -> lines.add(new JournalLine(true, collection, key, json)));
        return append(lines);
    }

    @Override
    public Future<Void> delete(String collection, String key) {
        return append(new JournalLine(false, collection, key, null));
    }

    @Override
    public Future<Void> close() {
        return worker.<Void>executeBlocking(() -> {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            return null;
        }).eventually(worker::close);
    }

    /** Lines in the journal now. */
    long lines() {
        return lines;
    }

    private Future<Void> append(JournalLine line) {
        return append(List.of(line));
    }

    /** Appends lines and forces them to disk once, then applies them; a failed write leaves none of them. */
    private Future<Void> append(List<JournalLine> batch) {
        if (batch.isEmpty()) {
            return Future.succeededFuture();
        }
        return worker.<Void>executeBlocking(() -> {
            if (channel == null) {
                throw new IllegalStateException("the registry journal is closed");
            }
            long end = channel.position();
            try {
                StringBuilder text = new StringBuilder();
                batch.forEach(line -> text.append(line.encode()));
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            } catch (IOException e) {
                rollBack(end, e);
                throw e;
            }
            batch.forEach(line -> line.applyTo(records));
            lines += batch.size();
            if (needsCompaction()) {
                compactOrKeep();
            }
            return null;
        });
    }

    /**
     * Cuts off what a failed write left (a full disk may take part of a line), so that the next line starts on a
     * line of its own; when even that fails, the journal closes rather than let a later write join the torn one.
     */
    private void rollBack(long end, IOException cause) {
        try {
            channel.truncate(end);
            channel.position(end);
            channel.force(false);
            LOG.warn("registry journal: a write failed and was rolled back [file: {}]: {}", file, cause.toString());
        } catch (IOException e) {
            LOG.error("registry journal: a failed write cannot be rolled back, the journal is closed [file: {}]: {}",
                    file, e.toString());
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that is left
            }
            channel = null;
        }
    }

    private void replay() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            forceDirectory();
        }
        byte[] content = Files.readAllBytes(file);
        int start = 0;
        int number = 0;
        JournalLine unterminated = null;
        while (start < content.length) {
            number++;
            int end = indexOf(content, (byte) '\n', start);
            if (end < 0) {
                unterminated = wholeLine(content, start);
                if (unterminated == null) {
                    LOG.warn("registry journal: torn last line skipped, it was never acknowledged [file: {}, line: {}]",
                            file, number);
                } else {
                    unterminated.applyTo(records);
                    lines++;
                    LOG.warn("registry journal: last line end missing or damaged, its whole record kept [file: {}, "
                            + "line: {}]", file, number);
                }
                break;
            }
            try {
                JournalLine.decode(new String(content, start, end - start, StandardCharsets.UTF_8)).applyTo(records);
            } catch (IllegalArgumentException e) {
                throw new CorruptJournalException(file, number, e.getMessage());
            }
            lines++;
            start = end + 1;
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        lock();
        long goodLength = start;
        if (goodLength < content.length) {
            channel.truncate(goodLength);
            if (unterminated != null) {
                ByteBuffer bytes = ByteBuffer.wrap(unterminated.encode().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    goodLength += channel.write(bytes, goodLength);
                }
            }
            channel.force(true);
        }
        channel.position(goodLength);
        LOG.info("registry journal opened [file: {}, lines: {}, records: {}]", file, lines, recordCount());
        if (needsCompaction()) {
            compactOrKeep();
        }
    }

    private boolean needsCompaction() {
        return lines > compactAfter && lines > 2L * recordCount() && lines >= compactionRetryAt;
    }

    /**
     * Compacts; when the new file cannot be written (a full disk, say), the journal stays as it was and open, and
     * the next attempt waits for another {@code compactAfter} lines.
     */
    private void compactOrKeep() throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".compacting");
        long written;
        try {
            written = writeCompacted(next);
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            compactionRetryAt = lines + compactAfter;
            LOG.warn("registry journal: compaction failed, the journal stays as it was [file: {}]: {}", file,
                    e.toString());
            try {
                Files.deleteIfExists(next);
            } catch (IOException ignored) {
                // the next compaction truncates it
            }
            return;
        }
        FileChannel replaced = channel;
        try {
            forceDirectory();
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            lock();
        } catch (IOException | IllegalStateException e) {
            LOG.error("registry journal: the compacted journal cannot be opened, the journal is closed [file: {}]: "
                    + "{}", file, e.toString());
            channel = null;
        } finally {
            replaced.close();
        }
        LOG.info("registry journal compacted [file: {}, lines before: {}, lines now: {}]", file, lines, written);
        lines = written;
        compactionRetryAt = 0;
    }

    /** Writes every live record to a new file, forced; the number of lines. */
    private long writeCompacted(Path next) throws IOException {
        long written = 0;
        try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Map.Entry<String, Map<String, String>> collection : records.entrySet()) {
                for (Map.Entry<String, String> record : collection.getValue().entrySet()) {
                    ByteBuffer bytes = ByteBuffer.wrap(new JournalLine(true, collection.getKey(), record.getKey(),
                            record.getValue()).encode().getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                    written++;
                }
            }
            out.force(true);
        }
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
        return written;
    }

    /** Takes the journal for this process; another relay process on the same file is refused. */
    private void lock() throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            channel = null;
            throw new IllegalStateException("the registry journal " + file + " is in use by another relay; give "
                    + "each node its own node.stateDir");
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private long recordCount() {
        return records.values().stream().mapToLong(Map::size).sum();
    }

    /**
     * The line from {@code start} to the end of the file when it is whole but for its newline (missing, or damaged
     * into another last byte); null when it is a torn write.
     */
    private static JournalLine wholeLine(byte[] content, int start) {
        for (int end = content.length; end >= Math.max(start, content.length - 1); end--) {
            try {
                return JournalLine.decode(new String(content, start, end - start, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException torn) {
                // not whole up to here
            }
        }
        return null;
    }

    private static int indexOf(byte[] content, byte wanted, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}

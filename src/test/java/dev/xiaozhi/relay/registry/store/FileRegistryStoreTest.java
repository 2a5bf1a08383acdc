package dev.xiaozhi.relay.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Verifies the journal of the file store: durability, torn and corrupt files, compaction. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class FileRegistryStoreTest {

    @TempDir
    Path dir;

    /** Verifies that puts and deletes are replayed on open, and the journal is readable by its owner only. */
    @Test
    void replaysWhatWasWritten(Vertx vertx) throws Exception {
        Path file = dir.resolve("registry/registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file));
        await(store.put("tenants", "acme", "{\"id\":\"acme\"}"));
        await(store.put("devices", "acme/kitchen", "{\"id\":\"kitchen\",\"name\":\"line\\nbreak\"}"));
        await(store.put("devices", "acme/hall", "{\"id\":\"hall\"}"));
        await(store.delete("devices", "acme/hall"));
        await(store.close());

        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file));

        assertThat(await(reopened.load())).isEqualTo(Map.of("tenants", Map.of("acme", "{\"id\":\"acme\"}"),
                "devices", Map.of("acme/kitchen", "{\"id\":\"kitchen\",\"name\":\"line\\nbreak\"}")));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        await(reopened.close());
    }

    /**
     * Verifies that a batch of records is one write of a line each: applied together, replayed on open beside the
     * single writes around it, and a later single write still replaces a record of the batch.
     */
    @Test
    void replaysABatchOfRecords(Vertx vertx) throws Exception {
        Path file = dir.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file));
        await(store.put("tenants", "acme", "{\"id\":\"acme\"}"));
        Map<String, String> batch = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            batch.put("acme/d" + i, "{\"id\":\"d" + i + "\"}");
        }
        await(store.putAll("devices", batch));
        await(store.put("devices", "acme/d7", "{\"id\":\"d7\",\"name\":\"seven\"}"));
        assertThat(store.lines()).isEqualTo(52);
        await(store.close());

        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file));

        Map<String, String> devices = await(reopened.load()).get("devices");
        assertThat(devices).hasSize(50).containsEntry("acme/d49", "{\"id\":\"d49\"}")
                .containsEntry("acme/d7", "{\"id\":\"d7\",\"name\":\"seven\"}");
        assertThat(Files.readAllLines(file)).hasSize(52);
        await(reopened.close());
    }

    /** Verifies that a torn last line is cut off with a warning, and writes go on after the good lines. */
    @Test
    void skipsATornLastLine(Vertx vertx) throws Exception {
        Path file = dir.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file));
        await(store.put("tenants", "acme", "{\"id\":\"acme\"}"));
        await(store.close());
        Files.writeString(file, "1234abcd {\"op\":\"put\",\"c\":\"tenants\",\"k\":\"bet", StandardOpenOption.APPEND);
        ListAppender<ILoggingEvent> log = capture();

        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file));
        await(reopened.put("tenants", "beta", "{\"id\":\"beta\"}"));
        await(reopened.close());
        FileRegistryStore third = await(FileRegistryStore.open(vertx, file));

        assertThat(await(third.load()).get("tenants")).containsOnlyKeys("acme", "beta");
        assertThat(log.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("torn last line skipped").contains("line: 2"));
        await(third.close());
    }

    /** Verifies that a file damaged before its last line is refused with a clear message and left as it was. */
    @Test
    void refusesACorruptFile(Vertx vertx) throws Exception {
        Path file = dir.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file));
        await(store.put("tenants", "acme", "{\"id\":\"acme\"}"));
        await(store.put("tenants", "beta", "{\"id\":\"beta\"}"));
        await(store.close());
        String content = Files.readString(file);
        String damaged = content.replaceFirst("acme", "acne");
        Files.writeString(file, damaged);

        assertThatThrownBy(() -> await(FileRegistryStore.open(vertx, file)))
                .isInstanceOf(CorruptJournalException.class)
                .hasMessageContaining("is corrupt at line 1 (checksum mismatch)")
                .hasMessageContaining("restore it from a backup");
        assertThat(Files.readString(file)).isEqualTo(damaged);
    }

    /** Verifies that a journal another relay has open is refused, and free again once it is closed. */
    @Test
    void refusesAJournalInUse(Vertx vertx) throws Exception {
        Path file = dir.resolve("registry.journal");
        FileRegistryStore first = await(FileRegistryStore.open(vertx, file));

        assertThatThrownBy(() -> await(FileRegistryStore.open(vertx, file)))
                .hasMessageContaining("is in use by another relay");
        await(first.close());
        await(await(FileRegistryStore.open(vertx, file)).close());
    }

    /** Verifies that a journal of many more lines than records is compacted and keeps every record. */
    @Test
    void compactsTheJournal(Vertx vertx) throws Exception {
        Path file = dir.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file, 10));
        List<Future<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            writes.add(store.put("devices", "acme/d" + (i % 3), "{\"version\":" + i + "}"));
        }
        await(Future.all(writes));

        assertThat(store.lines()).isLessThanOrEqualTo(11);
        await(store.close());
        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file, 10));
        assertThat(await(reopened.load()).get("devices")).isEqualTo(Map.of("acme/d0", "{\"version\":27}",
                "acme/d1", "{\"version\":28}", "acme/d2", "{\"version\":29}"));
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8).size()).isLessThanOrEqualTo(11);
        assertThat(Files.exists(file.resolveSibling("registry.journal.compacting"))).isFalse();
        await(reopened.close());
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(FileRegistryStore.class)).addAppender(appender);
        return appender;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}

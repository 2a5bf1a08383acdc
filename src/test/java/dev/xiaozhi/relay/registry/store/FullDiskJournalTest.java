package dev.xiaozhi.relay.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the journal on a disk that fills up: a real one, a 64 KiB tmpfs this test mounts (so it needs root and
 * the right to mount, and is skipped without them). A write the full disk cut short is rolled back, so that neither
 * the next write nor the next start finds a damaged line; a compaction the full disk stops leaves the journal as it
 * was, open, and the write that triggered it acknowledged.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class FullDiskJournalTest {

    private static final String RECORD = "{\"id\":\"" + "x".repeat(900) + "\"}";

    @TempDir
    Path dir;
    private Path disk;

    @BeforeEach
    void mountTinyDisk() throws Exception {
        disk = dir.resolve("disk");
        Files.createDirectories(disk);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString()) == 0,
                "a full disk is simulated on a tmpfs, which needs root and the right to mount");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            run("umount", "--lazy", disk.toString());
        }
    }

    /**
     * GIVEN a journal on a disk that fills up with its writes
     * WHEN a write fails for lack of space, space is freed and writing goes on
     * THEN the journal holds whole lines only, and a new start finds every acknowledged record and not the failed one.
     */
    @Test
    void aWriteCutShortByAFullDiskIsRolledBack(Vertx vertx) throws Exception {
        Path filler = disk.resolve("filler");
        Files.write(filler, new byte[16 * 1024]);
        Path file = disk.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file));
        Map<String, String> acknowledged = new TreeMap<>();
        String refused = null;
        for (int i = 0; refused == null; i++) {
            String key = "acme/d" + i;
            try {
                await(store.put("devices", key, RECORD));
                acknowledged.put(key, RECORD);
            } catch (Exception full) {
                assertThat(full).hasMessageContaining("No space left on device");
                refused = key;
            }
        }

        String afterFailure = Files.readString(file, StandardCharsets.UTF_8);
        Files.delete(filler);
        await(store.put("devices", "acme/after", RECORD));
        acknowledged.put("acme/after", RECORD);
        await(store.close());
        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file));

        assertThat(afterFailure).endsWith("\n");
        assertThat(afterFailure.lines()).hasSize(acknowledged.size() - 1);
        assertThat(await(reopened.load()).get("devices")).isEqualTo(acknowledged).doesNotContainKey(refused);
        await(reopened.close());
    }

    /**
     * GIVEN a journal due for compaction on a disk with no page left for the compacted file
     * WHEN a write that fits the journal's last page triggers the compaction
     * THEN the write is acknowledged, the journal stays open and usable, and a new start finds every record.
     */
    @Test
    void aCompactionStoppedByAFullDiskLeavesTheJournalOpen(Vertx vertx) throws Exception {
        Path file = disk.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file, 3));
        for (int i = 0; i < 3; i++) {
            await(store.put("tenants", "acme", "{\"n\":" + i + "}"));
        }
        Path filler = disk.resolve("filler");
        fillUp(filler);

        await(store.put("tenants", "acme", "{\"n\":3}"));

        assertThat(store.lines()).isEqualTo(4);
        assertThat(disk.resolve("registry.journal.compacting")).doesNotExist();
        Files.delete(filler);
        await(store.put("tenants", "shop", "{\"n\":4}"));
        await(store.close());
        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file, 3));
        assertThat(await(reopened.load()).get("tenants")).isEqualTo(Map.of("acme", "{\"n\":3}", "shop",
                "{\"n\":4}"));
        await(reopened.close());
    }

    /** Writes a file until the disk has no room left. */
    private static void fillUp(Path filler) throws IOException {
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] page = new byte[4096];
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("No space left on device");
        }
    }

    private static int run(String... command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException notInstalled) {
            return -1;
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}

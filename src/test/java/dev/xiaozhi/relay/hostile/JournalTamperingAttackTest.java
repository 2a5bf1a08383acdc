package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.registry.store.CorruptJournalException;
import dev.xiaozhi.relay.registry.store.FileRegistryStore;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #15: a byte flipped in the file journal's last <em>complete</em> line made the relay drop the line as
 * "never acknowledged", losing an acknowledged tenant. Only a line without its newline can be a torn write.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class JournalTamperingAttackTest {

    @TempDir
    Path dir;

    /**
     * Verifies that a damaged last complete line is refused, not dropped, and the file left as it was.
     * GIVEN a journal with two acknowledged puts
     * WHEN one byte of the second line's record is flipped
     * THEN opening it fails naming line 2, and the file is unchanged.
     */
    @Test
    void refusesADamagedLastCompleteLine(Vertx vertx) throws Exception {
        Path file = journalOf(vertx, "acme", "beta");
        byte[] content = Files.readAllBytes(file);
        content[content.length - 4] ^= 0x01;
        Files.write(file, content);

        assertThatThrownBy(() -> await(FileRegistryStore.open(vertx, file)))
                .isInstanceOf(CorruptJournalException.class)
                .hasMessageContaining("is corrupt at line 2 (checksum mismatch)");
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
    }

    /**
     * Verifies that a last line whose newline was flipped into another byte keeps its record.
     * GIVEN a journal with two acknowledged puts
     * WHEN the newline ending the second line is flipped
     * THEN both records are loaded, and the line end is written again so the next open finds a clean journal.
     */
    @Test
    void keepsAWholeLastLineWhoseLineEndWasDamaged(Vertx vertx) throws Exception {
        Path file = journalOf(vertx, "acme", "beta");
        byte[] clean = Files.readAllBytes(file);
        byte[] content = clean.clone();
        content[content.length - 1] ^= 0x01;
        Files.write(file, content);

        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file));
        assertThat(await(reopened.load()).get("tenants")).containsOnlyKeys("acme", "beta");
        await(reopened.close());
        assertThat(Files.readAllBytes(file)).isEqualTo(clean);
    }

    /**
     * Verifies that a torn tail, a line without its newline and no whole record, is still cut off.
     * GIVEN a journal with two acknowledged puts and the start of a third line
     * WHEN it is opened and written to
     * THEN the two records are kept, the torn one is gone and the new write follows the good lines.
     */
    @Test
    void cutsOffATornTail(Vertx vertx) throws Exception {
        Path file = journalOf(vertx, "acme", "beta");
        Files.writeString(file, "0badf00d {\"op\":\"put\",\"c\":\"tenants\",\"k\":\"gam", StandardOpenOption.APPEND);

        FileRegistryStore reopened = await(FileRegistryStore.open(vertx, file));
        await(reopened.put("tenants", "delta", "{\"id\":\"delta\"}"));
        await(reopened.close());
        FileRegistryStore third = await(FileRegistryStore.open(vertx, file));

        assertThat(await(third.load()).get("tenants")).containsOnlyKeys("acme", "beta", "delta");
        await(third.close());
    }

    /**
     * Verifies the same end to end.
     * GIVEN a relay that imported its configuration into its journal, then stopped
     * WHEN a byte of the journal's last line is flipped and the relay started again
     * THEN it refuses to start with the corrupt journal's message; once the byte is restored it starts and serves the
     * device.
     */
    @Test
    void refusesToStartOnADamagedJournal(Vertx vertx) throws Exception {
        TestRelay.start(dir, "").close();
        Path file = dir.resolve("registry").resolve("registry.journal");
        byte[] clean = Files.readAllBytes(file);
        byte[] damaged = clean.clone();
        damaged[damaged.length - 4] ^= 0x01;
        Files.write(file, damaged);

        assertThatThrownBy(() -> TestRelay.start(dir, "")).hasStackTraceContaining("is corrupt at line");
        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
        Files.write(file, clean);
        try (TestRelay relay = TestRelay.start(dir, "")) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            assertThat(device.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")
                    .at("/result/tools").size()).isPositive();
        }
    }

    private Path journalOf(Vertx vertx, String... tenants) throws Exception {
        Path file = dir.resolve("registry.journal");
        FileRegistryStore store = await(FileRegistryStore.open(vertx, file));
        for (String tenant : tenants) {
            await(store.put("tenants", tenant, "{\"id\":\"" + tenant + "\"}"));
        }
        await(store.close());
        return file;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}

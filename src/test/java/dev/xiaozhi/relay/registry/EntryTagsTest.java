package dev.xiaozhi.relay.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies that an entry's tag binds its map, key and value under the cluster's key. */
@Timeout(10)
class EntryTagsTest {

    private final EntryTags tags = new EntryTags(EndpointCipher.newKey());

    /** Verifies that a sealed entry opens where it was sealed and nowhere else. */
    @Test
    void opensOnlyWhatItSealedWhereItSealedIt() {
        String sealed = tags.seal("relay.registry.tokens", "sha256:aa", "acme/kitchen");

        assertThat(tags.open("relay.registry.tokens", "sha256:aa", sealed)).contains("acme/kitchen");
        assertThat(tags.open("relay.registry.tokens", "sha256:bb", sealed)).isEmpty();
        assertThat(tags.open("relay.registry.devices", "sha256:aa", sealed)).isEmpty();
        assertThat(tags.open("relay.registry.tokens", "sha256:aa", sealed.replace("kitchen", "attic"))).isEmpty();
        assertThat(tags.open("relay.registry.tokens", "sha256:aa", "acme/kitchen")).isEmpty();
        assertThat(new EntryTags(EndpointCipher.newKey()).open("relay.registry.tokens", "sha256:aa", sealed))
                .isEmpty();
    }
}

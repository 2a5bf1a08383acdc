package dev.xiaozhi.relay.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies that an entry's tag binds its map, key, version and value under the cluster's key. */
@Timeout(10)
class EntryTagsTest {

    private final EntryTags tags = new EntryTags(EndpointCipher.newKey());

    /** Verifies that a sealed entry opens where it was sealed and nowhere else. */
    @Test
    void opensOnlyWhatItSealedWhereItSealedIt() {
        String sealed = tags.seal("relay.registry.tokens", "sha256:aa", 7, "acme/kitchen");

        assertThat(tags.open("relay.registry.tokens", "sha256:aa", sealed))
                .contains(new EntryTags.Opened(7, "acme/kitchen"));
        assertThat(tags.open("relay.registry.tokens", "sha256:bb", sealed)).isEmpty();
        assertThat(tags.open("relay.registry.devices", "sha256:aa", sealed)).isEmpty();
        assertThat(tags.open("relay.registry.tokens", "sha256:aa", sealed.replace("kitchen", "attic"))).isEmpty();
        assertThat(tags.open("relay.registry.tokens", "sha256:aa", "acme/kitchen")).isEmpty();
        assertThat(new EntryTags(EndpointCipher.newKey()).open("relay.registry.tokens", "sha256:aa", sealed))
                .isEmpty();
        assertThat(tags.open("relay.registry.tokens", "sha256:aa", sealed.replace(".7.", ".8."))).isEmpty();
    }

    /** Verifies that a node takes the newest version of a key it saw, and refuses older ones and removed ones. */
    @Test
    void refusesVersionsOlderThanTheNewestSeen() {
        EntryVersions versions = new EntryVersions();
        long first = versions.next("k");
        long second = versions.next("k");

        assertThat(second).isGreaterThan(first);
        assertThat(versions.admit("k", second)).isTrue();
        assertThat(versions.admit("k", second)).isTrue();
        assertThat(versions.admit("k", first)).isFalse();
        versions.seen("other", 100);
        assertThat(versions.admit("other", 99)).isFalse();
        versions.removed("other", 100);
        assertThat(versions.admit("other", 100)).isFalse();
        assertThat(versions.next("other")).isGreaterThan(100);
        versions.seen("later", Long.MAX_VALUE / 2);
        assertThat(versions.next("later")).isEqualTo(Long.MAX_VALUE / 2 + 1);
    }
}

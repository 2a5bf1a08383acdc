package dev.xiaozhi.relay.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies rendezvous ownership: the same everywhere, spread evenly, and moving only what must move. */
class RendezvousTest {

    private static final List<String> THREE = List.of("node-a", "node-b", "node-c");
    private static final int KEYS = 3000;

    /** Verifies that the owner depends on the members, not on their order, and that no members means no owner. */
    @Test
    void choosesTheSameOwnerWhateverTheOrder() {
        for (int i = 0; i < 100; i++) {
            String key = "pipe:acme/device-" + i;
            assertThat(Rendezvous.owner(key, THREE)).isEqualTo(Rendezvous.owner(key, List.of("node-c", "node-a",
                    "node-b")));
        }
        assertThat(Rendezvous.owner("pipe:x", List.of())).isNull();
    }

    /** Verifies an even spread over three members. */
    @Test
    void spreadsKeysEvenly() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            counts.merge(Rendezvous.owner("pipe:acme/device-" + i, THREE), 1, Integer::sum);
        }

        assertThat(counts).hasSize(3);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(KEYS / 3 - 150, KEYS / 3 + 150));
    }

    /** Verifies that when a member leaves only its keys move, and when one joins only keys it wins move. */
    @Test
    void movesOnlyTheKeysOfTheMemberThatChanged() {
        List<String> two = List.of("node-a", "node-b");
        for (int i = 0; i < KEYS; i++) {
            String key = "pipe:acme/device-" + i;
            String withThree = Rendezvous.owner(key, THREE);
            String withTwo = Rendezvous.owner(key, two);
            if (!withThree.equals("node-c")) {
                assertThat(withTwo).isEqualTo(withThree);
            }
        }
    }
}

package dev.xiaozhi.relay.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: every node computes the same owner for a key from the same member
 * list, and when a member joins or leaves only the keys it wins or held move.
 */
public final class Rendezvous {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Rendezvous() {
    }

    /** The member that owns {@code key}; null when there are no members. */
    public static String owner(String key, Collection<String> members) {
        String owner = null;
        long best = 0;
        for (String member : members) {
            long weight = weight(member, key);
            if (owner == null || Long.compareUnsigned(weight, best) > 0
                    || weight == best && member.compareTo(owner) < 0) {
                owner = member;
                best = weight;
            }
        }
        return owner;
    }

    /** FNV-1a over member and key, finished with the SplitMix64 mixer for an even spread. */
    static long weight(String member, String key) {
        long hash = FNV_OFFSET;
        for (byte b : (member + '\n' + key).getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }
}

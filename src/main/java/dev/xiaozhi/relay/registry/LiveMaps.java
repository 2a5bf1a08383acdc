package dev.xiaozhi.relay.registry;

import com.hazelcast.core.HazelcastInstance;

/**
 * Where the registry's live maps are: in this process for a node that runs alone (which so opens no port for them),
 * or in the cluster's Hazelcast members, every entry versioned and tagged with a key derived from the cluster secret
 * so that an entry written by anyone else is refused, and so is an old one written back.
 */
public interface LiveMaps {

    /** The live map of that name (blocking the first time: a clustered map registers with the members). */
    LiveMap map(String name);

    /** Maps of this process alone. */
    static LiveMaps local() {
        return new LocalMaps();
    }

    /**
     * Maps shared by the members of a cluster.
     *
     * @param tagKey the key of the entries' integrity tags, the same on every member
     */
    static LiveMaps clustered(HazelcastInstance hazelcast, byte[] tagKey) {
        return new HazelcastMaps(hazelcast, new EntryTags(tagKey));
    }
}

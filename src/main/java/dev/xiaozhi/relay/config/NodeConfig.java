package dev.xiaozhi.relay.config;

import java.nio.file.Path;

/**
 * The node itself.
 *
 * @param stateDir   where the node keeps local state, such as the hashes of tokens it generated
 * @param eventLoops the node's event-loop threads; 0 for Vert.x's default, two per core
 */
public record NodeConfig(Path stateDir, int eventLoops) {

    /** Default state directory, relative to the working directory. */
    public static final String DEFAULT_STATE_DIR = "data";

    static NodeConfig from(ConfigNode node) {
        node.object("stateDir", "eventLoops");
        return new NodeConfig(Path.of(node.string("stateDir", DEFAULT_STATE_DIR)),
                node.integer("eventLoops", 0, 1024, 0));
    }
}

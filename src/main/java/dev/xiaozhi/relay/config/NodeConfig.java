package dev.xiaozhi.relay.config;

import java.nio.file.Path;

/**
 * The node itself.
 *
 * @param stateDir where the node keeps local state, such as the hashes of tokens it generated
 */
public record NodeConfig(Path stateDir) {

    /** Default state directory, relative to the working directory. */
    public static final String DEFAULT_STATE_DIR = "data";

    static NodeConfig from(ConfigNode node) {
        node.object("stateDir");
        return new NodeConfig(Path.of(node.string("stateDir", DEFAULT_STATE_DIR)));
    }
}

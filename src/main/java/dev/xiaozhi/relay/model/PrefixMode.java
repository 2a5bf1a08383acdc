package dev.xiaozhi.relay.model;

/** How a target's tool names appear in the catalog. */
public enum PrefixMode {
    /** Always {@code <target>___<tool>}. */
    ALWAYS,
    /** {@code <tool>} unless another target offers the same name. */
    CONDITIONAL,
    /** Always {@code <tool>}; a clash is resolved with a hash suffix. */
    NEVER
}

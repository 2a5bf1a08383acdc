package dev.xiaozhi.relay.config;

/** Where in a cluster a target runs. */
public enum Placement {
    /** On every node; calls stay on the calling node while its instance is healthy. */
    EVERYWHERE,
    /** On one node of the cluster at a time (e.g. a server holding one API quota); other nodes call it there. */
    SINGLE
}

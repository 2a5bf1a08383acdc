package dev.xiaozhi.relay.registry;

/** Whether a tenant or device may connect. */
public enum Status {
    /** May connect and call tools. */
    ACTIVE,
    /** Refused at the handshake; its live sessions are closed. */
    DISABLED
}

package dev.xiaozhi.relay.protocol;

import java.util.Locale;
import java.util.Optional;

/** MCP's log levels ({@code logging/setLevel}, {@code notifications/message}), least severe first. */
public enum LogLevel {

    /** Detailed debugging information. */
    DEBUG,
    /** General informational messages. */
    INFO,
    /** Normal but significant events. */
    NOTICE,
    /** Warning conditions. */
    WARNING,
    /** Error conditions. */
    ERROR,
    /** Critical conditions. */
    CRITICAL,
    /** Action must be taken immediately. */
    ALERT,
    /** The system is unusable. */
    EMERGENCY;

    /** The level of its wire name ({@code "warning"}); empty for any other text. */
    public static Optional<LogLevel> parse(String name) {
        for (LogLevel level : values()) {
            if (level.wireName().equals(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** Its name on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a message of this level passes a minimum level. */
    public boolean atLeast(LogLevel minimum) {
        return compareTo(minimum) >= 0;
    }
}

package dev.xiaozhi.relay.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects every log line of the test JVM while open, formatted as written, with the relay's own loggers at DEBUG:
 * for checking what never gets logged.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger relay = (Logger) LoggerFactory.getLogger("dev.xiaozhi.relay");
    private final Level relayLevel = relay.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture() {
    }

    /** Starts collecting. */
    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.appender.start();
        capture.root.addAppender(capture.appender);
        capture.relay.setLevel(Level.DEBUG);
        return capture;
    }

    /** The lines so far: message with arguments, and any exception's messages. */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list);
        }
        return events.stream().map(event -> event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage())).toList();
    }

    @Override
    public void close() {
        relay.setLevel(relayLevel);
        root.detachAppender(appender);
        appender.stop();
    }
}

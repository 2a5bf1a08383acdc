package dev.xiaozhi.relay.common;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Verifies that logback takes the relay's logging from {@link RelayLogging}, with no XML file read. */
class RelayLoggingTest {

    /** Verifies that logs go to stderr in the relay's line layout, the root at its level, libraries quieter. */
    @Test
    void logsToStderrInTheRelaysLayout() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");

        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern())
                .isEqualTo("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
        assertThat(root.getLevel()).isEqualTo(Level.toLevel(System.getenv("RELAY_LOG_LEVEL"), Level.INFO));
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.hazelcast.instance.impl.Node").getLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getLogger("io.micrometer.core.instrument.MeterRegistry").getLevel())
                .isEqualTo(Level.ERROR);
    }
}

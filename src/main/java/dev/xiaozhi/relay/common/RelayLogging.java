package dev.xiaozhi.relay.common;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The relay's logging, set up in code (found by logback as a service) rather than read from an XML file: parsing
 * one costs logback an XML parser and its configuration model, a second or more of a start on a busy machine. Logs
 * go to stderr (stdout carries command output: probe, stdio-calculator, the one-time token banner) at
 * {@code RELAY_LOG_LEVEL} (a system property or an environment variable; INFO by default). A file named by
 * {@code -Dlogback.configurationFile} replaces all of this, as logback documents.
 */
public final class RelayLogging extends ContextAwareBase implements Configurator {

    /** The line layout. */
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

    /**
     * Loggers quieter than the root: Netty and Hazelcast say only what goes wrong; a lone registry member neither
     * joins anyone nor uses the CP subsystem, which its start-up warnings say; Vert.x registers some event-bus gauges
     * twice per instance, which the meter registry warns about at every start.
     */
    private static final Map<String, Level> QUIETER = Map.of(
            "io.netty", Level.WARN,
            "com.hazelcast", Level.WARN,
            "com.hazelcast.cp.CPSubsystem", Level.ERROR,
            "com.hazelcast.instance.impl.Node", Level.ERROR,
            "io.micrometer.core.instrument.MeterRegistry", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(), Level.INFO));
        root.addAppender(stderr);
        QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String level() {
        String property = System.getProperty("RELAY_LOG_LEVEL");
        return property != null ? property : System.getenv("RELAY_LOG_LEVEL");
    }
}

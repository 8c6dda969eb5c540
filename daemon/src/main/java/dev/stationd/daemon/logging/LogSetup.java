package dev.stationd.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Configures the logging backend (logback) in code: one console appender on stderr with a
 * timestamped format. The level can be changed while running (reload).
 */
public final class LogSetup {
    /** Timestamped line format for a terminal or a plain log file. */
    public static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%n";

    private LogSetup() {
    }

    /**
     * Replaces whatever configuration logback found with ours.
     *
     * @param level the initial level of the {@code dev.stationd} loggers and the root
     */
    public static void init(org.slf4j.event.Level level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PLAIN_PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        setLevel(level);
        ctx.getLogger("io.netty").setLevel(Level.INFO);
    }

    /**
     * Changes the level of the daemon's loggers.
     *
     * @param level the new level
     */
    public static void setLevel(org.slf4j.event.Level level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.name(), Level.INFO));
    }
}

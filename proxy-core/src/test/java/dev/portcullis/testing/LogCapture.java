package dev.portcullis.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects every log event written while it is open, from all loggers and threads. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The events at {@code level} or above so far, formatted as {@code LEVEL logger: message}. */
    public List<String> atLeast(Level level) {
        List<String> lines = new ArrayList<>();
        synchronized (appender) { // AppenderBase appends under this lock
            for (ILoggingEvent event : appender.list) {
                if (event.getLevel().isGreaterOrEqual(level)) {
                    lines.add(
                            event.getLevel()
                                    + " "
                                    + event.getLoggerName()
                                    + ": "
                                    + event.getFormattedMessage());
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}

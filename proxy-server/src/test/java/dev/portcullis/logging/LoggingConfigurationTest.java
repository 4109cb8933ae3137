package dev.portcullis.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loads the program's {@code logback.xml} into a context of its own and inspects the result. */
class LoggingConfigurationTest {

    private static final String LEVEL_PROPERTY = "PORTCULLIS_LOG_LEVEL";

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stopContext() {
        context.stop();
        System.clearProperty(LEVEL_PROPERTY);
    }

    @Test
    void configuration_loads_withoutWarnings() throws JoranException {
        configure();

        assertThat(new StatusUtil(context).getHighestLevel(0)).isLessThan(Status.WARN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"portcullis.access", "portcullis.security"})
    void eventLogger_isNotAdditiveAndBatchedWithoutBlocking(String name) throws JoranException {
        configure();

        Logger logger = context.getLogger(name);
        List<Appender<ILoggingEvent>> appenders = appenders(logger);

        assertThat(logger.isAdditive()).isFalse();
        assertThat(appenders).singleElement().isInstanceOf(BatchingConsoleAppender.class);
        BatchingConsoleAppender batching = (BatchingConsoleAppender) appenders.get(0);
        assertThat(batching.isStarted()).isTrue();
        assertThat(batching.getQueueSize()).isEqualTo(16384);
    }

    @ParameterizedTest
    @ValueSource(strings = {"portcullis.access", "portcullis.security"})
    void eventLogger_writesBareLinesToStdout(String name) throws JoranException {
        configure();

        BatchingConsoleAppender batching =
                (BatchingConsoleAppender) appenders(context.getLogger(name)).get(0);

        assertThat(batching.getTarget()).isEqualTo("System.out");
        assertThat(batching.getEncoder())
                .isInstanceOfSatisfying(
                        PatternLayoutEncoder.class,
                        encoder -> assertThat(encoder.getPattern()).isEqualTo("%msg%n"));
    }

    @Test
    void eventLoggers_shareOneWriter_soTheirLinesNeverInterleave() throws JoranException {
        configure();

        assertThat(appenders(context.getLogger("portcullis.access")))
                .containsExactlyElementsOf(appenders(context.getLogger("portcullis.security")));
    }

    @Test
    void root_writesTimestampedLinesToStderr() throws JoranException {
        configure();

        List<Appender<ILoggingEvent>> appenders =
                appenders(context.getLogger(Logger.ROOT_LOGGER_NAME));

        assertThat(appenders).singleElement().isInstanceOf(ConsoleAppender.class);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) appenders.get(0);
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(pattern(console))
                .isEqualTo(
                        "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
    }

    @Test
    void root_levelNotSet_isInfo() throws JoranException {
        assumeTrue(System.getenv(LEVEL_PROPERTY) == null, LEVEL_PROPERTY + " is set here");

        configure();

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void root_levelPropertySet_usesIt() throws JoranException {
        System.setProperty(LEVEL_PROPERTY, "DEBUG");

        configure();

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void wireLogger_byDefault_isOff() throws JoranException {
        configure();

        assertThat(context.getLogger("portcullis.wire").getLevel()).isEqualTo(Level.OFF);
    }

    @Test
    void nettyLogger_byDefault_isInfo() throws JoranException {
        configure();

        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.INFO);
    }

    private void configure() throws JoranException {
        URL file = LoggingConfigurationTest.class.getResource("/logback.xml");
        assertThat(file).as("logback.xml on the classpath").isNotNull();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(file);
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        logger.iteratorForAppenders().forEachRemaining(appenders::add);
        return appenders;
    }

    private static String pattern(ConsoleAppender<ILoggingEvent> console) {
        return ((PatternLayoutEncoder) console.getEncoder()).getPattern();
    }
}

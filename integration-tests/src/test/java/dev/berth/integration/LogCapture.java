package dev.berth.integration;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What one logger logs while a test runs, through logback's ListAppender. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures the logger {@code name} and those below it ({@code dev.berth}: all of Berth) from now on. */
  static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /** The formatted messages logged at {@code level} so far. */
  List<String> messages(Level level) {
    return appender.list.stream().filter(event -> event.getLevel().equals(level))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}

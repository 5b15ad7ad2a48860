package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Where shipped bot logs live in the logs bucket, and how a line is written there.
 *
 * <pre>
 * &lt;scope&gt;/&lt;bot-id&gt;/&lt;yyyy-MM-dd&gt;/&lt;sequence&gt;.log   one object per shipped chunk
 * &lt;scope&gt;/&lt;bot-id&gt;/cursor                         what has been shipped so far
 * </pre>
 *
 * <p>Sequences count a bot's chunks from 0, zero-padded to ten digits so that key order is shipping order;
 * the date (UTC) is that of every line in the chunk, since a chunk never spans midnight. A line is written as
 * every stored log is ({@link StorageLayout#formatLogLine}).
 */
public final class LogLayout {
  /** The name of a bot's cursor object. */
  public static final String CURSOR = "cursor";

  private LogLayout() {}

  /** {@code <scope>/<bot-id>/}: everything shipped for one bot. */
  public static String botPrefix(String scope, String botId) {
    return scope + "/" + botId + "/";
  }

  /** {@code <scope>/<bot-id>/cursor}. */
  public static String cursorKey(String scope, String botId) {
    return botPrefix(scope, botId) + CURSOR;
  }

  /** {@code <scope>/<bot-id>/<yyyy-MM-dd>/<sequence>.log}. */
  public static String chunkKey(String scope, String botId, LocalDate day, long sequence) {
    return botPrefix(scope, botId) + day + "/" + String.format("%010d", sequence) + ".log";
  }

  /** The UTC day a line belongs to. */
  public static LocalDate day(LogLine line) {
    return LocalDate.ofInstant(line.timestamp(), ZoneOffset.UTC);
  }

  /** The line as stored: {@link StorageLayout#formatLogLine} and a {@code \n}, in UTF-8. */
  static byte[] encode(LogLine line) {
    return (StorageLayout.formatLogLine(line) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}

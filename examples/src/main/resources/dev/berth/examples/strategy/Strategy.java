import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny trading "strategy" for the Berth quickstart, written as a single-file Java program because a JDK is
 * the only thing every machine running Berth is guaranteed to have ({@code java Strategy.java}).
 *
 * <p>It reads its settings from {@code config.json} in its working directory (Berth writes it there; the
 * same JSON is also in the {@code BOT_CONFIG} environment variable): {@code symbol}, {@code startPrice},
 * {@code intervalMs}, {@code window} and, for backtests, {@code ticks}. As a bot it prints one line per
 * simulated market tick until it is stopped. As a backtest (Berth sets {@code BERTH_RESULT_PATH}) it runs
 * {@code ticks} ticks at once and writes its result JSON there.
 */
public class Strategy {
  private static volatile long ticks;

  public static void main(String[] args) throws Exception {
    String config = readConfig();
    String symbol = text(config, "symbol", "BTC-USD");
    double price = number(config, "startPrice", 100);
    long intervalMs = (long) number(config, "intervalMs", 500);
    int window = (int) number(config, "window", 5);
    Random market = new Random(symbol.hashCode());
    String resultPath = System.getenv("BERTH_RESULT_PATH");
    if (resultPath != null) {
      backtest(symbol, price, window, (int) number(config, "ticks", 1000), market, Path.of(resultPath));
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        System.out.println("stopping " + symbol + " after " + ticks + " ticks")));
    System.out.println("strategy " + System.getenv("BOT_ID") + " trading " + symbol + " every " + intervalMs + " ms");
    double average = price;
    while (true) {
      price = step(price, market);
      average += (price - average) / window;
      ticks++;
      System.out.printf(Locale.ROOT, "tick %d %s price=%.2f signal=%s%n", ticks, symbol, price,
          price > average ? "buy" : "sell");
      Thread.sleep(intervalMs);
    }
  }

  /** A momentum rule over a random walk: long while the price is above its moving average. */
  private static void backtest(String symbol, double price, int window, int count, Random market, Path result)
      throws Exception {
    double average = price;
    double entry = 0;
    double pnl = 0;
    int trades = 0;
    for (int i = 0; i < count; i++) {
      price = step(price, market);
      average += (price - average) / window;
      if (entry == 0 && price > average) {
        entry = price;
        trades++;
      } else if (entry != 0 && price < average) {
        pnl += price - entry;
        entry = 0;
      }
    }
    String json = String.format(Locale.ROOT, "{\"symbol\":\"%s\",\"ticks\":%d,\"trades\":%d,\"pnl\":%.2f}",
        symbol, count, trades, pnl);
    Files.writeString(result, json, StandardCharsets.UTF_8);
    System.out.println("backtest of " + symbol + " over " + count + " ticks: " + json);
    System.out.println("done");
  }

  private static double step(double price, Random market) {
    return Math.max(0.01, price * (1 + market.nextGaussian() * 0.002));
  }

  private static String readConfig() throws Exception {
    Path file = Path.of("config.json");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    String env = System.getenv("BOT_CONFIG");
    return env == null ? "{}" : env;
  }

  private static String text(String json, String key, String fallback) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : fallback;
  }

  private static double number(String json, String key, double fallback) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.]+)").matcher(json);
    return m.find() ? Double.parseDouble(m.group(1)) : fallback;
  }
}

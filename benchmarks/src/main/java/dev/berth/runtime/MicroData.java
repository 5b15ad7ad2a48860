package dev.berth.runtime;

/** The inputs the micro-benchmarks share. */
public final class MicroData {
  private MicroData() {}

  /** A bot config of about 2 KB: nested objects, arrays, numbers and escaped strings. */
  public static String config() {
    StringBuilder json = new StringBuilder("{\"exchange\":\"binance\",\"symbols\":[");
    for (int i = 0; i < 40; i++) {
      json.append(i == 0 ? "" : ",").append("\"SYM").append(i).append("USDT\"");
    }
    json.append("],\"risk\":{\"maxPosition\":12500.75,\"stopLoss\":-0.025,\"enabled\":true,\"note\":\"a \\\"quoted\\\" "
        + "line\\n\"},\"ladders\":[");
    for (int i = 0; i < 30; i++) {
      json.append(i == 0 ? "" : ",").append("{\"level\":").append(i).append(",\"size\":").append(i * 0.5)
          .append(",\"tag\":null}");
    }
    return json.append("]}").toString();
  }

  /** A spec as a fleet would hand it over: image, command, env, labels, limits and the config above. */
  public static BotSpec spec(String id) {
    return BotSpec.builder(id).image("registry.example.com/bots/grid:1.4.2").command("python", "-m", "bot")
        .env("MODE", "live").env("REGION", "eu-west-1").label("team", "alpha").label("tier", "gold")
        .config(config()).build();
  }
}

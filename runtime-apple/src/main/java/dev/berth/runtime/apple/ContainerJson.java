package dev.berth.runtime.apple;

import dev.berth.runtime.RuntimeOperationException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the containers {@code container ls --format json} and {@code container inspect} print, in both shapes
 * the CLI has used, ignoring keys it does not know:
 *
 * <ul>
 *   <li>1.x: {@code [{"id", "configuration": {...}, "status": {"state", "networks": [{"ipv4Address":
 *       "192.168.64.3/24", "ipv4Gateway"}], "startedDate": "2026-01-01T10:00:00Z"}}]};
 *   <li>before 1.0: {@code [{"status": "running", "configuration": {...}, "networks": [{"address": ...}],
 *       "startedDate": 790000000.5}]}, the date in seconds since 2001-01-01 (Foundation's reference date), the
 *       attachment's address under {@code address} (0.5) or {@code ipv4Address} (0.9 and later).
 * </ul>
 *
 * Output that is not JSON, or an entry without an id, is a {@link RuntimeOperationException} quoting the
 * command and the start of the output, never a {@link NullPointerException} later.
 */
final class ContainerJson {
  /** 2001-01-01T00:00:00Z, the epoch of Foundation's {@code Date}, in Unix seconds. */
  static final long FOUNDATION_EPOCH = 978_307_200L;

  private ContainerJson() {}

  /** Every container in the output; {@code command} names the call in error messages. */
  static List<ContainerInfo> parse(String output, String command) {
    Object root;
    try {
      root = Json.parse(output.isBlank() ? "[]" : output);
    } catch (Json.MalformedJsonException e) {
      throw malformed(command, output, e.getMessage());
    }
    List<Object> items = Json.array(root).orElseGet(() -> root instanceof Map ? List.of(root) : null);
    if (items == null) {
      throw malformed(command, output, "expected a JSON array of containers");
    }
    List<ContainerInfo> containers = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      int index = i;
      Map<String, Object> item = Json.object(items.get(i)).orElseThrow(() -> malformed(command, output,
          "entry " + index + " is not an object"));
      containers.add(container(item, index, command, output));
    }
    return containers;
  }

  private static ContainerInfo container(Map<String, Object> item, int index, String command, String output) {
    Map<String, Object> configuration = Json.object(item, "configuration").orElse(Map.of());
    String name = Json.string(item, "id").or(() -> Json.string(configuration, "id"))
        .orElseThrow(() -> malformed(command, output, "entry " + index + " has no id"));
    String image = Json.object(configuration, "image").flatMap(i -> Json.string(i, "reference"))
        .or(() -> Json.string(configuration, "image")).orElse("");
    Object status = item.get("status");
    String state;
    Map<String, Object> holder; // where the networks and the start date are
    if (status instanceof Map) {
      holder = Json.object(status).orElseThrow();
      state = Json.string(holder, "state").orElse("unknown");
    } else if (status instanceof String) {
      holder = item;
      state = (String) status;
    } else {
      throw malformed(command, output, "entry " + index + " (" + name + ") has no status");
    }
    List<Object> networks = Json.array(holder, "networks");
    if (networks.isEmpty()) {
      networks = Json.array(item, "networks");
    }
    Map<String, Object> attachment = networks.isEmpty() ? Map.of() : Json.object(networks.get(0)).orElse(Map.of());
    Optional<String> address = Json.string(attachment, "ipv4Address").or(() -> Json.string(attachment, "address"))
        .map(ContainerJson::withoutPrefixLength).filter(a -> !a.isEmpty());
    Optional<String> gateway = Json.string(attachment, "ipv4Gateway").or(() -> Json.string(attachment, "gateway"))
        .map(ContainerJson::withoutPrefixLength).filter(g -> !g.isEmpty());
    Object started = holder.containsKey("startedDate") ? holder.get("startedDate") : item.get("startedDate");
    return new ContainerInfo(name, image, Json.strings(configuration, "labels"), ContainerInfo.State.of(state),
        date(started), address, gateway);
  }

  /** {@code 192.168.64.3/24} to {@code 192.168.64.3}. */
  static String withoutPrefixLength(String cidr) {
    int slash = cidr.indexOf('/');
    return (slash < 0 ? cidr : cidr.substring(0, slash)).trim();
  }

  /** An ISO-8601 text (1.x) or seconds since 2001 (before 1.0); empty for anything else. */
  static Optional<Instant> date(Object value) {
    if (value instanceof String) {
      try {
        return Optional.of(OffsetDateTime.parse((String) value).toInstant());
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (value instanceof BigDecimal) {
      BigDecimal seconds = (BigDecimal) value;
      if (seconds.abs().compareTo(BigDecimal.valueOf(10_000_000_000L)) > 0) {
        return Optional.empty();
      }
      long nanos = seconds.movePointRight(9).longValue();
      return Optional.of(Instant.ofEpochSecond(FOUNDATION_EPOCH).plusNanos(nanos));
    }
    return Optional.empty();
  }

  static RuntimeOperationException malformed(String command, String output, String problem) {
    String start = output.length() > 200 ? output.substring(0, 200) + "..." : output;
    return new RuntimeOperationException("`" + command + "` printed output Berth cannot read (" + problem
        + "): " + start.strip() + ". Check that the container CLI is 1.x or a 0.x release with JSON output.");
  }
}

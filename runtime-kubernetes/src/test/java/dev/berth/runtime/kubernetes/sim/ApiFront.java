package dev.berth.runtime.kubernetes.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

/**
 * The address clients talk to: forwards every request to the in-process API server, except two it streams
 * itself, as a real API server does, because the in-process server can only send finished bodies: a following
 * pod log ({@code follow=true}), the container's lines until it ends, and a watch over HTTP ({@code watch=true},
 * see {@link WatchStream}).
 */
final class ApiFront implements AutoCloseable {
  static final long FOLLOW_POLL_MS = 50;
  /**
   * A following log request with nothing new for this long is ended, as proxies and API servers end idle
   * streams; the client reconnects while the container runs. The front cannot otherwise tell that a client
   * went away while nothing is written, so an abandoned follow ends this way too.
   */
  static final Duration FOLLOW_IDLE_CUT = Duration.ofSeconds(2);
  private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "transfer-encoding", "keep-alive", "http2-settings", "te", "trailer", "proxy-connection");

  private final int port;
  private volatile HttpServer server;
  private final ExecutorService threads;
  private final HttpClient http;
  private final String backend;
  private final WatchStream watches;
  private final SimDispatcher dispatcher;
  private volatile boolean closed;
  private volatile boolean streamsWatches = true;

  ApiFront(String backend, SimDispatcher dispatcher) throws IOException {
    this.backend = backend;
    this.dispatcher = dispatcher;
    AtomicInteger count = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, SimulatedCluster.THREAD_PREFIX + "api-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.watches = new WatchStream(http, backend);
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  private HttpServer listen(int on) throws IOException {
    HttpServer listening = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 64);
    listening.setExecutor(threads);
    listening.createContext("/", this::handle);
    listening.start();
    return listening;
  }

  /** Stops answering, as an API server that went down: the port is closed and open connections are cut. */
  synchronized void goDown() {
    server.stop(0);
  }

  /** Answers again, on the same port. */
  synchronized void comeBack() throws IOException {
    server = listen(port);
  }

  /** Whether watches over HTTP are streamed (the default), or handed to the in-process server, which has none. */
  void streamWatches(boolean stream) {
    this.streamsWatches = stream;
  }

  int port() {
    return port;
  }

  String url() {
    return "http://localhost:" + port;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String rawQuery = exchange.getRequestURI().getRawQuery();
      String pathAndQuery = rawQuery == null ? path : path + "?" + rawQuery;
      Map<String, String> query = SimDispatcher.query(pathAndQuery);
      Matcher log = SimDispatcher.POD_LOG.matcher(path);
      if ("GET".equals(exchange.getRequestMethod()) && log.matches() && "true".equals(query.get("follow"))) {
        dispatcher.record("GET", pathAndQuery, exchange.getRequestHeaders().getFirst("User-Agent"));
        follow(exchange, log.group(1), log.group(2), query);
      } else if (streamsWatches && WatchStream.applies(exchange.getRequestMethod(), query)) {
        dispatcher.record("GET", pathAndQuery, exchange.getRequestHeaders().getFirst("User-Agent"));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        watches.stream(path, query, exchange.getResponseBody(), () -> closed);
      } else {
        forward(exchange, pathAndQuery);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange exchange, String pathAndQuery) throws IOException, InterruptedException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend + pathAndQuery))
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response.headers().map().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    byte[] answer = response.body();
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      exchange.getResponseBody().write(answer);
    }
  }

  private void follow(HttpExchange exchange, String namespace, String pod, Map<String, String> query)
      throws IOException, InterruptedException {
    LogEndpoint endpoint = dispatcher.logs();
    LogEndpoint.Target target = endpoint.target(namespace, pod, query);
    if (target.error() != null) {
      MockResponse error = target.error();
      byte[] body = error.getBody().readUtf8().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(error.code(), body.length);
      exchange.getResponseBody().write(body);
      return;
    }
    LogEndpoint.ContainerLogs source = endpoint.source();
    String id = target.containerId();
    Map<String, String> onlyTimestamps = query.containsKey("timestamps")
        ? Map.of("timestamps", query.get("timestamps")) : Map.of();
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    List<String> lines = source.linesSoFar(id, 0);
    send(out, LogEndpoint.render(lines, query));
    int sent = lines.size();
    long lastSent = System.nanoTime();
    while (!closed) {
      boolean running = source.running(id);
      lines = source.linesSoFar(id, sent);
      if (!lines.isEmpty()) {
        send(out, LogEndpoint.render(lines, onlyTimestamps));
        sent += lines.size();
        lastSent = System.nanoTime();
      }
      if (!running || System.nanoTime() - lastSent > FOLLOW_IDLE_CUT.toNanos()) {
        return;
      }
      Thread.sleep(FOLLOW_POLL_MS);
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    if (!text.isEmpty()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}

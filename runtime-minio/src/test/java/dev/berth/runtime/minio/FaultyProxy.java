package dev.berth.runtime.minio;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of an S3 server that reads each HTTP request's head (so it can count
 * requests and keeps the client's Host header, which V4 signatures cover) and fails the ones it is told to:
 * with a 503, by resetting the connection, by cutting the response after some bytes, or by never answering.
 */
final class FaultyProxy implements AutoCloseable {
  /** What happens to one request. */
  enum Fault {
    /** Answered {@code 503 SlowDown} without reaching the server. */
    SERVICE_UNAVAILABLE,
    /** The connection is reset before any answer. */
    RESET,
    /** Forwarded, but the connection is cut once 64 KiB of the answer have passed. */
    CUT_RESPONSE,
    /** Read, then never answered: the connection stays open and silent until the proxy closes. */
    NO_ANSWER
  }

  static final int CUT_AFTER_BYTES = 64 * 1024;

  private final int targetPort;
  private final ServerSocket server;
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong threads = new AtomicLong();

  FaultyProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread("accept", this::acceptLoop).start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The next {@code count} requests (of any kind) meet {@code fault}. */
  void failNext(int count, Fault fault) {
    for (int i = 0; i < count; i++) {
      faults.add(fault);
    }
  }

  /** Request lines seen so far, e.g. {@code PUT /bucket/key?partNumber=2&uploadId=...}, faulty ones included. */
  List<String> requests() {
    return new ArrayList<>(requests);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        thread("connection", () -> serve(client)).start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
      sockets.add(upstream);
      CutSwitch cut = new CutSwitch();
      thread("response", () -> pipeResponses(upstream, client, cut)).start();
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream toServer = upstream.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        requests.add(text.substring(0, text.indexOf("\r\n")).replaceFirst(" HTTP/1\\.1$", ""));
        long length = contentLength(text);
        Fault fault = faults.poll();
        if (fault == Fault.RESET) {
          client.setSoLinger(true, 0);
          return;
        }
        if (fault == Fault.SERVICE_UNAVAILABLE) {
          in.skipNBytes(length);
          byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please "
              + "reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
          client.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\n"
              + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
          client.getOutputStream().write(body);
          client.getOutputStream().flush();
          return;
        }
        if (fault == Fault.NO_ANSWER) {
          in.skipNBytes(length);
          in.transferTo(OutputStream.nullOutputStream());
          return;
        }
        if (fault == Fault.CUT_RESPONSE) {
          cut.arm(CUT_AFTER_BYTES);
        }
        toServer.write(head);
        copy(in, toServer, length);
        toServer.flush();
      }
    } catch (IOException e) {
      // The client or the server went away; so does this connection.
    }
  }

  private static void pipeResponses(Socket upstream, Socket client, CutSwitch cut) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        int allowed = cut.allow(n);
        out.write(buffer, 0, allowed);
        out.flush();
        if (allowed < n) {
          client.setSoLinger(true, 0);
          client.close();
          upstream.close();
          return;
        }
      }
      client.shutdownOutput();
    } catch (IOException e) {
      // Closed from the other side.
    }
  }

  /** The request line and headers up to the blank line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("the client sent " + (length - left) + " of " + length + " body bytes");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private Thread thread(String name, Runnable body) {
    Thread thread = new Thread(body, "faulty-proxy-" + name + "-" + threads.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  /** Lets the response bytes of one connection through until an armed limit is reached. */
  private static final class CutSwitch {
    private long remaining = -1;

    synchronized void arm(long bytes) {
      remaining = bytes;
    }

    synchronized int allow(int n) {
      if (remaining < 0) {
        return n;
      }
      int allowed = (int) Math.min(n, remaining);
      remaining -= allowed;
      return allowed;
    }
  }
}

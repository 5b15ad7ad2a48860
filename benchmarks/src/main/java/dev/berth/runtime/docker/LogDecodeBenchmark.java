package dev.berth.runtime.docker;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Docker's log frames (100 timestamped lines, cut into 4 KB frames as the engine sends them) decoded into
 * {@link LogLine}s, against splitting the same bytes into lines with a {@link BufferedReader} and with
 * {@code String.split}, which neither parse a timestamp nor join lines across frames. In this package
 * because the decoder is not public.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LogDecodeBenchmark {
  static final int LINES = 100;
  private final byte[] all;
  private final List<byte[]> frames = new ArrayList<>();

  public LogDecodeBenchmark() {
    StringBuilder text = new StringBuilder();
    Instant at = Instant.parse("2026-12-02T09:00:00.123456789Z");
    for (int i = 0; i < LINES; i++) {
      text.append(at.plusMillis(i)).append(" tick ").append(i).append(" bid=101.25 ask=101.27 size=3 venue=éx\n");
    }
    all = text.toString().getBytes(StandardCharsets.UTF_8);
    for (int from = 0; from < all.length; from += 4096) {
      frames.add(java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + 4096)));
    }
  }

  /** Berth's decoder: lines joined across frames, timestamp parsed, UTF-8 decoded. */
  @Benchmark
  public int berthFrameDecoder() {
    int[] count = new int[1];
    LogFrameDecoder decoder = new LogFrameDecoder(line -> count[0]++);
    for (byte[] frame : frames) {
      decoder.accept(LogStream.STDOUT, frame);
    }
    decoder.flush();
    return count[0];
  }

  /** Baseline: {@code BufferedReader.readLine} over the same bytes. */
  @Benchmark
  public int bufferedReaderLines() throws IOException {
    int count = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(all),
        StandardCharsets.UTF_8))) {
      while (reader.readLine() != null) {
        count++;
      }
    }
    return count;
  }

  /** Baseline: decode and {@code String.split("\n")}. */
  @Benchmark
  public int stringSplitLines() {
    return new String(all, StandardCharsets.UTF_8).split("\n").length;
  }
}

package dev.berth.runtime.minio;

import io.minio.MinioAsyncClient;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The MinIO client and the HTTP client under it. Berth's own client instead of MinIO's default one: its
 * threads are named and daemon and stop on {@link #close()}, more than five requests may run against the one
 * host at a time, and it neither retries statuses (MinIO's interceptor) nor silently resends after a broken
 * connection (OkHttp's default), so {@link Retrier} alone decides what is retried, with its backoff.
 */
final class MinioConnection implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ExecutorService executor;
  private final OkHttpClient http;
  private final MinioAsyncClient client;

  MinioConnection(MinioSettings settings) {
    this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "berth-minio-http-" + THREADS.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(64);
    this.http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .protocols(List.of(Protocol.HTTP_1_1))
        .retryOnConnectionFailure(false)
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.ioTimeout())
        .writeTimeout(settings.ioTimeout())
        .build();
    this.client = MinioAsyncClient.builder()
        .endpoint(settings.endpoint().toString())
        .credentials(settings.accessKey(), settings.secretKey())
        .region(settings.region())
        .httpClient(http)
        .build();
  }

  MinioAsyncClient client() {
    return client;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    http.connectionPool().evictAll();
  }
}

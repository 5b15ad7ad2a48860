package dev.berth.runtime.minio;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.local.LocalRuntime;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** Local processes, their logs shipped to the S3 server; an outage stops the server and starts it again. */
class LocalBotsShippedToS3Test extends ShippingEndToEnd {
  @TempDir Path stateDir;
  private S3TestServer server;
  private MinioObjectStore minio;

  @Override
  protected Runtime openRuntime() {
    return LocalRuntime.builder().stateDir(stateDir).scope(scope).noObjectStore().build();
  }

  @Override
  protected BotSpec.Builder bot(String id, List<String> argv) {
    return BotSpec.builder(id).command(argv);
  }

  @Override
  protected ObjectStore openStore() throws Exception {
    server = S3TestServer.inMemory();
    minio = server.store().build();
    return minio;
  }

  @Override
  protected void storeDown() throws Exception {
    server.stop();
  }

  @Override
  protected void storeUp() throws Exception {
    server.restart();
  }

  @Override
  protected void closeStore() {
    if (minio != null) {
      minio.close();
    }
    if (server != null) {
      server.close();
    }
  }
}

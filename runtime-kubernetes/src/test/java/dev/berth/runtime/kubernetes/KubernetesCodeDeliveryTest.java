package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.FileSystemObjectStore;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code reaches the pod through the ConfigMap when small, through a presigned URL when large. */
class KubernetesCodeDeliveryTest {
  private static final String SCOPE = "code";

  @TempDir
  Path dir;
  private ApiServerFixture api;

  @BeforeEach
  void start() {
    api = ApiServerFixture.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Path bundle(int bytes) throws IOException {
    Path code = Files.createDirectories(dir.resolve("code"));
    Files.writeString(code.resolve("main.sh"), "echo hello\n");
    byte[] noise = new byte[bytes];
    new java.util.Random(7).nextBytes(noise); // incompressible
    Files.write(code.resolve("data.bin"), noise);
    return code;
  }

  private static BotSpec spec(Path code) {
    return BotSpec.builder("coded").image("busybox:1.36").codeBundle(CodeBundle.directory(code))
        .entrypoint("main.sh").language("command").build();
  }

  private V1PodSpec podSpec() throws Exception {
    return new AppsV1Api(api.client()).readNamespacedDeployment(KubeLabels.botName(SCOPE, "coded"),
        ApiServerFixture.NAMESPACE).execute().getSpec().getTemplate().getSpec();
  }

  @Test
  void aSmallBundleTravelsInTheConfigMapAndAnInitContainerUnpacksIt() throws Exception {
    try (KubernetesRuntime runtime = api.runtimeBuilder(SCOPE).build()) {
      runtime.create(spec(bundle(1000)));
    }
    V1ConfigMap map = api.core().readNamespacedConfigMap(KubeLabels.botName(SCOPE, "coded"),
        ApiServerFixture.NAMESPACE).execute();
    assertThat(map.getBinaryData()).containsKey(CodePackager.BUNDLE_KEY);
    assertThat(podSpec().getInitContainers()).singleElement().satisfies(init -> {
      assertThat(init.getImage()).isEqualTo("busybox:1.36");
      assertThat(init.getEnv()).noneMatch(env -> env.getName().equals("BERTH_BUNDLE_URL"));
    });
  }

  @Test
  void aLargeBundleWithoutAStoreIsRefusedNamingTheFix() throws Exception {
    Path code = bundle(600 * 1024);
    try (KubernetesRuntime runtime = api.runtimeBuilder(SCOPE).build()) {
      assertThatThrownBy(() -> runtime.create(spec(code))).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining(KubernetesSettings.CONFIGMAP_BUNDLE_LIMIT).hasMessageContaining("store.type=minio");
    }
    assertThat(new AppsV1Api(api.client()).listNamespacedDeployment(ApiServerFixture.NAMESPACE).execute().getItems())
        .isEmpty();
  }

  @Test
  void aLargeBundleIsNotHandedToAPodAsAFileUrl() throws Exception {
    Path code = bundle(600 * 1024);
    try (KubernetesRuntime runtime = api.runtimeBuilder(SCOPE).objectStore(new FileSystemObjectStore(dir.resolve("s")))
        .build()) {
      assertThatThrownBy(() -> runtime.create(spec(code))).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("file URLs, which a pod cannot fetch");
    }
  }

  @Test
  void aLargeBundleIsUploadedAndFetchedThroughAPresignedUrlKeptInTheSecret() throws Exception {
    UrlStore store = new UrlStore();
    try (KubernetesRuntime runtime = api.runtimeBuilder(SCOPE).objectStore(store)
        .config(RuntimeConfig.of(Map.of(KubernetesSettings.CONFIGMAP_BUNDLE_LIMIT, "64k"))).build()) {
      runtime.create(spec(bundle(100 * 1024)));
      assertThat(store.objects).hasSize(1);
      String url = new String(api.core().readNamespacedSecret(KubeLabels.botName(SCOPE, "coded"),
          ApiServerFixture.NAMESPACE).execute().getData().get(PodTemplates.BUNDLE_URL_KEY), StandardCharsets.UTF_8);
      assertThat(url).startsWith("https://store.example/custom-bots/kubernetes/code/bot/coded/");
      assertThat(podSpec().getInitContainers().get(0).getEnv()).anyMatch(env -> env.getName()
          .equals("BERTH_BUNDLE_URL") && env.getValueFrom().getSecretKeyRef() != null);

      runtime.delete("coded");
      assertThat(store.objects).isEmpty();
    }
  }

  /** A store that hands out https URLs, as MinIO does; keeps objects in memory. */
  static final class UrlStore implements ObjectStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public Optional<InputStream> get(String bucket, String key) {
      return Optional.ofNullable(objects.get(bucket + "/" + key)).map(ByteArrayInputStream::new);
    }

    @Override
    public void put(String bucket, String key, InputStream data, long length, String contentType) {
      try {
        objects.put(bucket + "/" + key, data.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean exists(String bucket, String key) {
      return objects.containsKey(bucket + "/" + key);
    }

    @Override
    public List<ObjectInfo> list(String bucket, String prefix) {
      return objects.entrySet().stream().filter(e -> e.getKey().startsWith(bucket + "/" + prefix))
          .map(e -> new ObjectInfo(bucket, e.getKey().substring(bucket.length() + 1), e.getValue().length,
              Instant.EPOCH)).toList();
    }

    @Override
    public void delete(String bucket, String key) {
      objects.remove(bucket + "/" + key);
    }

    @Override
    public URI presignedGet(String bucket, String key, Duration expiry) {
      return URI.create("https://store.example/" + bucket + "/" + key + "?X-Amz-Expires=" + expiry.toSeconds());
    }

    @Override
    public URI presignedPut(String bucket, String key, Duration expiry) {
      return presignedGet(bucket, key, expiry);
    }
  }
}

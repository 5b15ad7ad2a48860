package dev.berth.runtime.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where each setting comes from: setter, then {@code store.*} key, then {@code MINIO_*} variable, then default. */
class MinioObjectStoreBuilderTest {
  private static final Map<String, String> DEPLOYMENT = Map.of(
      "MINIO_ENDPOINT", "minio:9000",
      "MINIO_ACCESS_KEY", "env-access",
      "MINIO_SECRET_KEY", "env-secret",
      "MINIO_SSL", "true",
      "MINIO_CODE_BUCKET", "env-code",
      "MINIO_BUCKET", "legacy-code",
      "MINIO_BACKTESTS_BUCKET", "env-results",
      "MINIO_LOGS_BUCKET", "env-logs");

  private static MinioSettings settings(RuntimeConfig config, Map<String, String> environment) {
    return MinioObjectStore.builder().config(config).environment(environment).settings();
  }

  @Test
  void theEnvironmentOfExistingDeploymentsIsEnough() {
    MinioSettings settings = settings(RuntimeConfig.empty(), DEPLOYMENT);

    assertThat(settings.endpoint()).isEqualTo(URI.create("https://minio:9000"));
    assertThat(settings.accessKey()).isEqualTo("env-access");
    assertThat(settings.secretKey()).isEqualTo("env-secret");
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.createBuckets()).isTrue();
    assertThat(settings.buckets()).containsExactlyInAnyOrderEntriesOf(Map.of(
        ObjectStore.CODE_BUCKET, "env-code", ObjectStore.RESULTS_BUCKET, "env-results",
        ObjectStore.LOGS_BUCKET, "env-logs"));
  }

  @Test
  void configKeysWinOverTheEnvironment() {
    RuntimeConfig config = RuntimeConfig.of(Map.of(
        "store.endpoint", "http://s3.internal:9100", "store.access-key", "cfg-access",
        "store.secret-key", "cfg-secret", "store.secure", "false", "store.region", "eu-west-1",
        "store.code-bucket", "cfg-code", "store.results-bucket", "cfg-results", "store.logs-bucket", "cfg-logs",
        "store.create-buckets", "no"));

    MinioSettings settings = settings(config, DEPLOYMENT);

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://s3.internal:9100"));
    assertThat(settings.accessKey()).isEqualTo("cfg-access");
    assertThat(settings.secretKey()).isEqualTo("cfg-secret");
    assertThat(settings.region()).isEqualTo("eu-west-1");
    assertThat(settings.createBuckets()).isFalse();
    assertThat(settings.buckets()).containsExactlyInAnyOrderEntriesOf(Map.of(
        ObjectStore.CODE_BUCKET, "cfg-code", ObjectStore.RESULTS_BUCKET, "cfg-results",
        ObjectStore.LOGS_BUCKET, "cfg-logs"));
  }

  @Test
  void settersWinOverConfigKeys() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("store.endpoint", "http://from-config:9000",
        "store.code-bucket", "cfg-code"));

    MinioSettings settings = MinioObjectStore.builder().config(config).environment(DEPLOYMENT)
        .endpoint("set-by-code:9000").secure(false).credentials("a", "s").codeBucket("code-bucket")
        .createBuckets(false).settings();

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://set-by-code:9000"));
    assertThat(settings.accessKey()).isEqualTo("a");
    assertThat(settings.physicalBucket(ObjectStore.CODE_BUCKET)).isEqualTo("code-bucket");
    assertThat(settings.physicalBucket(ObjectStore.RESULTS_BUCKET)).isEqualTo("env-results");
    assertThat(settings.createBuckets()).isFalse();
  }

  @Test
  void bucketsDefaultToTheNamesExistingDeploymentsUse() {
    MinioSettings settings = settings(RuntimeConfig.empty(), Map.of("MINIO_ENDPOINT", "http://minio:9000",
        "MINIO_ACCESS_KEY", "a", "MINIO_SECRET_KEY", "s", "MINIO_LOGS_BUCKET", " "));

    assertThat(settings.buckets()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "custom-bots", "custom-bots", "test-results", "test-results", "bot-logs", "bot-logs"));
    assertThat(settings.physicalBucket("archive")).as("a bucket name other than the logical ones")
        .isEqualTo("archive");
  }

  @Test
  void minioBucketNamesTheCodeBucketWhenMinioCodeBucketIsUnset() {
    MinioSettings settings = settings(RuntimeConfig.empty(), Map.of("MINIO_ENDPOINT", "http://minio:9000",
        "MINIO_ACCESS_KEY", "a", "MINIO_SECRET_KEY", "s", "MINIO_BUCKET", "legacy-code"));

    assertThat(settings.physicalBucket(ObjectStore.CODE_BUCKET)).isEqualTo("legacy-code");
  }

  @Test
  void theSchemeDefaultsToHttpAndMinioSslSelectsHttps() {
    Map<String, String> plain = Map.of("MINIO_ENDPOINT", "minio:9000", "MINIO_ACCESS_KEY", "a",
        "MINIO_SECRET_KEY", "s");

    assertThat(settings(RuntimeConfig.empty(), plain).endpoint()).isEqualTo(URI.create("http://minio:9000"));
    assertThat(settings(RuntimeConfig.of(Map.of("store.secure", "yes")), plain).endpoint())
        .isEqualTo(URI.create("https://minio:9000"));
    assertThat(settings(RuntimeConfig.of(Map.of("store.endpoint", "https://s3.amazonaws.com/")), plain).endpoint())
        .isEqualTo(URI.create("https://s3.amazonaws.com"));
  }

  @Test
  void missingOrMalformedSettingsNameTheKeyAndTheVariable() {
    Map<String, String> none = Map.of();
    assertThatThrownBy(() -> settings(RuntimeConfig.empty(), none)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("store.endpoint").hasMessageContaining("MINIO_ENDPOINT");
    Map<String, String> noSecret = Map.of("MINIO_ENDPOINT", "minio:9000", "MINIO_ACCESS_KEY", "a");
    assertThatThrownBy(() -> settings(RuntimeConfig.empty(), noSecret)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("store.secret-key").hasMessageContaining("MINIO_SECRET_KEY")
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("store.secret-key"));
    Map<String, String> base = Map.of("MINIO_ENDPOINT", "minio:9000", "MINIO_ACCESS_KEY", "a",
        "MINIO_SECRET_KEY", "s");
    assertThatThrownBy(() -> settings(RuntimeConfig.empty(), merge(base, "MINIO_SSL", "maybe")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("MINIO_SSL = 'maybe'");
    assertThatThrownBy(() -> settings(RuntimeConfig.empty(), merge(base, "MINIO_BACKTESTS_BUCKET", "Test_Results")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'Test_Results'")
        .hasMessageContaining("MINIO_BACKTESTS_BUCKET");
    assertThatThrownBy(() -> settings(RuntimeConfig.of(Map.of("store.endpoint", "ftp://minio")), base))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not http or https");
    assertThatThrownBy(() -> settings(RuntimeConfig.of(Map.of("store.endpoint", "http://minio:9000/bucket")), base))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("only scheme, host and port");
    assertThatThrownBy(() -> settings(RuntimeConfig.of(Map.of("store.endpoint", "http://minio:9000",
        "store.secure", "true")), base)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("uses http");
  }

  @Test
  void builderOnlySettingsAreChecked() {
    assertThatThrownBy(() -> MinioObjectStore.builder().environment(Map.of()).endpoint("minio:9000")
        .credentials("a", "s").partSize(1024).settings()).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("partSize(1024)");
    assertThatThrownBy(() -> MinioObjectStore.builder().retries(0, Duration.ofMillis(1)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("1..20 attempts");
  }

  @Test
  void toStringShowsEndpointAndBucketsButNeverTheSecret() {
    try (MinioObjectStore store = MinioObjectStore.builder().environment(Map.of()).endpoint("http://minio:9000")
        .credentials("reader", "hunter2-secret").logsBucket("team-logs").build()) {
      assertThat(store.toString()).contains("http://minio:9000", "reader", "bot-logs=team-logs",
          "custom-bots=custom-bots").doesNotContain("hunter2");
    }
  }

  private static Map<String, String> merge(Map<String, String> base, String name, String value) {
    Map<String, String> copy = new java.util.HashMap<>(base);
    copy.put(name, value);
    return copy;
  }
}

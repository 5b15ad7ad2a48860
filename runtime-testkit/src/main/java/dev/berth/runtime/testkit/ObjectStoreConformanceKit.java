package dev.berth.runtime.testkit;

import dev.berth.runtime.ObjectStore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules every {@link ObjectStore} must follow, as JUnit 5 tests:
 *
 * <pre>{@code
 * class FileSystemObjectStoreConformanceTest extends ObjectStoreConformanceKit {
 *   @TempDir Path root;
 *   protected ObjectStore newStore() {
 *     return new FileSystemObjectStore(root);
 *   }
 * }
 * }</pre>
 *
 * <p>Presigned URLs are fetched by the optional tests when they are {@code file:} or {@code http(s):} URLs;
 * other schemes (such as {@code MockObjectStore}'s {@code mock:}) make those tests abort.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class ObjectStoreConformanceKit {
  private ObjectStoreChecks checks;

  /** A fresh, empty store. */
  protected abstract ObjectStore newStore();

  /** The kit's waits; override to pin a factor instead of reading {@code BERTH_TCK_TIMEOUT_FACTOR}. */
  protected KitTimeouts timeouts() {
    return KitTimeouts.fromEnvironment();
  }

  @BeforeEach
  final void openStore() {
    ObjectStore store = newStore();
    if (store == null) {
      throw new AssertionError("newStore() returned null; return a fresh, empty store");
    }
    checks = new ObjectStoreChecks(store, timeouts());
  }

  @AfterEach
  final void cleanStore() {
    if (checks != null) {
      checks.cleanUp();
    }
  }

  @Nested
  @DisplayName("Objects: put, get, exists, delete")
  class Objects {
    @Test
    @DisplayName("put then get returns the bytes")
    void required_put_thenGet_returnsTheBytes() {
      checks.putThenGetReturnsTheBytes();
    }

    @Test
    @DisplayName("an unknown key is absent: get and getBytes are empty, exists is false")
    void required_unknownKey_isAbsent() {
      checks.anUnknownKeyIsAbsent();
    }

    @Test
    @DisplayName("delete removes the object; deleting again or an unknown key is a no-op")
    void required_delete_isIdempotent() {
      checks.deleteIsIdempotent();
    }

    @Test
    @DisplayName("stat gives size and content tag, empty for an unknown key; the tag follows the content")
    void required_stat_describesTheObject() {
      checks.statDescribesTheObject();
    }

    @Test
    @DisplayName("an empty object round-trips")
    void required_emptyObject_roundTrips() {
      checks.emptyObjectsRoundTrip();
    }

    @Test
    @DisplayName("the same key in two buckets names two objects")
    void required_buckets_areSeparate() {
      checks.bucketsAreSeparate();
    }
  }

  @Nested
  @DisplayName("Listing")
  class Listing {
    @Test
    @DisplayName("list returns the objects under a prefix, sorted by key, with size and time")
    void required_list_returnsThePrefixSortedByKey() {
      checks.listReturnsThePrefixSortedByKey();
    }
  }

  @Nested
  @DisplayName("Content: atomic overwrite, streaming, concurrency")
  class Content {
    @Test
    @DisplayName("readers during overwrites see the old or the new object whole")
    void required_overwrite_isAtomic() throws Exception {
      checks.overwriteIsAtomic();
    }

    @Test
    @DisplayName("a 5 MB object streams in (known and unknown length) and out unchanged")
    void required_largeObjects_stream() throws Exception {
      checks.largeObjectsStream();
    }

    @Test
    @DisplayName("8 concurrent puts of different keys are all stored")
    void required_concurrentPuts_areAllStored() throws Exception {
      checks.concurrentPutsAreAllStored();
    }
  }

  @Nested
  @DisplayName("Keys: invalid keys are rejected")
  class Keys {
    @Test
    @DisplayName("empty, absolute, '.' and '..' keys are rejected with InvalidSpecException by every method")
    void required_invalidKeys_areRejected() {
      checks.invalidKeysAreRejected();
    }
  }

  @Nested
  @DisplayName("Presigned URLs")
  class PresignedUrls {
    @Test
    @DisplayName("presigned GET and PUT URLs are absolute URIs")
    void required_presignedUrls_areAbsolute() {
      checks.presignedUrlsAreAbsolute();
    }

    @Test
    @DisplayName("a presigned GET URL (file or http) returns the object")
    void optional_presignedGet_canBeFetched() throws Exception {
      checks.presignedGetCanBeFetched();
    }

    @Test
    @DisplayName("a presigned PUT URL (file or http) stores the object")
    void optional_presignedPut_canBeUploaded() throws Exception {
      checks.presignedPutCanBeUploaded();
    }
  }
}

package dev.berth.runtime.kubernetes;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.core.internal.Entrypoints;
import dev.berth.runtime.core.internal.InterpreterResolver;
import dev.berth.runtime.core.internal.LaunchPlan;
import dev.berth.runtime.core.internal.Workspace;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Prepares a workload's code for a pod. Core materialises the bundle on this host with its safe extraction
 * (directory, local archive or stored key alike) and writes the launcher; the result is packed as Berth's own
 * {@code .tar.gz}. Up to {@code kubernetes.configmap-bundle-limit} it travels in the workload's ConfigMap,
 * larger ones are uploaded to the object store and fetched by the init container through a presigned GET URL.
 */
final class CodePackager {
  /** The ConfigMap key of a bundle that travels inline. */
  static final String BUNDLE_KEY = "bundle.tar.gz";

  private final CodeMaterializer materializer;
  private final Optional<ObjectStore> store;
  private final KubernetesSettings settings;

  CodePackager(CodeMaterializer materializer, Optional<ObjectStore> store, KubernetesSettings settings) {
    this.materializer = materializer;
    this.store = store;
    this.settings = settings;
  }

  /**
   * A packed workload.
   *
   * @param plan how the main container starts
   * @param inline the archive, when it travels in the ConfigMap
   * @param url the presigned GET URL, when it travels through the object store
   * @param storedKey the key in the code bucket of an uploaded archive
   */
  record Packed(LaunchPlan plan, Optional<byte[]> inline, Optional<URI> url, Optional<String> storedKey) {
    boolean hasBundle() {
      return inline.isPresent() || url.isPresent();
    }
  }

  /** Materialises, packs and, if large, uploads the workload's code; nothing stays on this host. */
  Packed pack(WorkloadSpec spec) {
    String workdir = Entrypoints.containerWorkdir(spec);
    Path temp;
    try {
      temp = Files.createTempDirectory("berth-kubernetes-");
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot create a temporary directory to pack the code of " + spec.kind()
          + " '" + spec.id() + "': " + e.getMessage() + ". Check java.io.tmpdir.", e);
    }
    try (Workspace workspace = materializer.materialize(spec, temp.resolve("workspace"))) {
      LaunchPlan plan = Entrypoints.plan(spec, workspace.root(), workdir, InterpreterResolver.container());
      Set<String> skip = Set.of(WorkloadSpec.CONFIG_FILE); // mounted from the ConfigMap
      if (!TarGz.hasFiles(workspace.root(), skip)) {
        return new Packed(plan, Optional.empty(), Optional.empty(), Optional.empty());
      }
      byte[] archive = TarGz.pack(workspace.root(), skip);
      if (archive.length <= settings.configMapBundleLimit()) {
        return new Packed(plan, Optional.of(archive), Optional.empty(), Optional.empty());
      }
      return upload(spec, plan, archive);
    } catch (IOException e) {
      throw new RuntimeOperationException("Packing the code of " + spec.kind() + " '" + spec.id() + "' failed: "
          + e.getMessage(), e);
    } finally {
      Directories.deleteRecursively(temp);
    }
  }

  private Packed upload(WorkloadSpec spec, LaunchPlan plan, byte[] archive) {
    String tooLarge = "the packed code of " + spec.kind() + " '" + spec.id() + "' is " + archive.length
        + " bytes, above " + KubernetesSettings.CONFIGMAP_BUNDLE_LIMIT + " (" + settings.configMapBundleLimit()
        + " bytes)";
    if (store.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), List.of("codeBundle: " + tooLarge
          + ", and no object store is configured to carry it; configure one the cluster can reach (store.type=minio "
          + "with store.endpoint), or make the bundle smaller"));
    }
    String key = prefix(spec) + KubeLabels.hash(archive)
        .substring(0, 16) + ".tar.gz";
    URI url = store.get().presignedGet(ObjectStore.CODE_BUCKET, key, settings.bundleUrlExpiry());
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), List.of("codeBundle: " + tooLarge
          + ", and the object store hands out " + url.getScheme() + " URLs, which a pod cannot fetch; configure an "
          + "object store the cluster can reach (store.type=minio with store.endpoint), or make the bundle smaller"));
    }
    store.get().put(ObjectStore.CODE_BUCKET, key, archive, "application/gzip");
    return new Packed(plan, Optional.empty(), Optional.of(url), Optional.of(key));
  }

  /** Removes what {@link #pack} uploaded for the workload; quiet when there is no store or nothing there. */
  void removeUploads(WorkloadKind kind, String id) {
    store.ifPresent(s -> s.list(ObjectStore.CODE_BUCKET, prefix(kind, id))
        .forEach(info -> s.delete(ObjectStore.CODE_BUCKET, info.key())));
  }

  private String prefix(WorkloadSpec spec) {
    return prefix(spec.kind(), spec.id());
  }

  private String prefix(WorkloadKind kind, String id) {
    return "kubernetes/" + settings.scope() + "/" + kind.label() + "/" + id + "/";
  }
}

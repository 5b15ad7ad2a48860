package dev.berth.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Directories of the local runtime that only their owner may enter ({@code rwx------}): a workload's record holds
 * the env its spec passed (credentials, often), its logs what it printed, its workspace the code of one tenant.
 * Other users of the host, and workloads started by other users, read none of it. On a file system without POSIX
 * permissions the directories are created plainly.
 */
final class PrivateDirectories {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTRIBUTE =
      PosixFilePermissions.asFileAttribute(OWNER_ONLY);

  private PrivateDirectories() {}

  /**
   * Creates {@code dir} and its missing parents for the owner only, and makes {@code dir} itself owner-only when
   * it exists already (it belongs to Berth). Existing parents are left as they are.
   */
  static Path create(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path path = dir.toAbsolutePath(); path != null && !Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        path = path.getParent()) {
      missing.push(path);
    }
    for (Path path : missing) {
      try {
        Files.createDirectory(path, OWNER_ONLY_ATTRIBUTE);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made by a concurrent call; restricted below when it is dir itself
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(path);
      }
    }
    restrict(dir);
    return dir;
  }

  /** Makes an existing directory owner-only. */
  static void restrict(Path dir) throws IOException {
    try {
      if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
      }
    } catch (UnsupportedOperationException e) {
      // no POSIX permissions here
    }
  }
}

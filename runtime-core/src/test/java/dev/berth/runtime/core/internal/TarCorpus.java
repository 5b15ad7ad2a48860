package dev.berth.runtime.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Crafted tar.gz bundles for {@link BundleExtractionFuzzTest}, named by category like {@link ZipCorpus}, plus
 * {@code hardlink-} for hard links and {@code link-} for symbolic links.
 */
final class TarCorpus {
  private TarCorpus() {}

  static Map<String, byte[]> inputs() {
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    String longName = "very/" + "long-directory-name/".repeat(8) + "file.txt";
    inputs.put("valid-bundle.tar.gz", tar().dir("./").dir("bin").executable("bin/run.sh", "#!/bin/sh\necho hi\n")
        .file("lib/data.txt", "data").symlink("bin/data", "../lib/data.txt").symlink("current", "lib")
        .hardlink("copy.txt", "lib/data.txt").gnuLongName(longName, "long").paxPath("pax/name.txt", "pax")
        .file("lib/data.txt", "newer").bytes());
    slips(inputs);
    symlinks(inputs);
    hardlinks(inputs);
    duplicates(inputs);
    bombs(inputs);
    names(inputs);
    specials(inputs);
    corrupt(inputs);
    inputs.put("count-100000-tiny-entries.tar.gz", tiny(100_000));
    inputs.put("count-over-limit-10001.tar.gz", tiny(10_001));
    inputs.put("reserved-config-json-link.tar.gz", tar().file("main.py", "x").symlink("config.json", "main.py")
        .bytes());
    inputs.put("reserved-config-json-dir.tar.gz", tar().file("main.py", "x").dir("config.json").bytes());
    inputs.put("reserved-berth-link.tar.gz", tar().dir("sub").symlink(".berth", "sub").bytes());
    return inputs;
  }

  private static void slips(Map<String, byte[]> inputs) {
    inputs.put("slip-dotdot.tar.gz", tar().file("ok", "x").file("../escaped", "x").bytes());
    inputs.put("slip-sentinel.tar.gz", tar().file("../sentinel/owned", "x").bytes());
    inputs.put("slip-nested.tar.gz", tar().dir("a").dir("a/b").file("a/b/../../../sentinel/owned", "x").bytes());
    inputs.put("slip-backslash.tar.gz", tar().file("..\\sentinel\\owned", "x").bytes());
    inputs.put("slip-absolute.tar.gz", tar().file("/tmp/berth-fuzz-escaped", "x").bytes());
    inputs.put("slip-drive-letter.tar.gz", tar().file("C:/escaped", "x").file("c:escaped", "x").bytes());
    inputs.put("slip-pax-path.tar.gz", tar().paxPath("../sentinel/owned", "x").bytes());
    inputs.put("slip-gnu-long-name.tar.gz", tar().gnuLongName("../" + "d/".repeat(60) + "escaped", "x").bytes());
    inputs.put("slip-ustar-prefix.tar.gz", tar().custom("owned", '0', "", new byte[] {'x'}, 0644,
        header -> TestArchives.put(header, 345, 155, "../sentinel")).bytes());
    inputs.put("slip-directory.tar.gz", tar().dir("../sentinel/newdir").bytes());
    inputs.put("slip-global-pax-path.tar.gz", tar().paxGlobal("path", "../sentinel/owned").file("ok", "x")
        .bytes());
  }

  private static void symlinks(Map<String, byte[]> inputs) {
    inputs.put("link-escape-parent.tar.gz", tar().symlink("up", "..").file("up/escaped", "x").bytes());
    inputs.put("link-to-sentinel-then-write.tar.gz", tar().symlink("s", "../sentinel").file("s/owned", "x")
        .bytes());
    inputs.put("link-absolute-then-write.tar.gz", tar().symlink("etc", "/etc").file("etc/berth-owned", "x")
        .bytes());
    inputs.put("link-inside-then-write-through.tar.gz", tar().dir("sub").symlink("link", "sub")
        .file("link/through", "x").bytes());
    inputs.put("link-chain-escape.tar.gz", tar().dir("d").symlink("d/x", "..").symlink("s", "d/x/../..")
        .bytes());
    inputs.put("link-chain-via-dir-link.tar.gz", tar().dir("a").dir("a/b").symlink("l", "a/b")
        .symlink("m", "l/../../..").bytes());
    inputs.put("link-loop.tar.gz", tar().symlink("a", "b").symlink("b", "a").bytes());
    inputs.put("link-self.tar.gz", tar().symlink("self", "self").bytes());
    inputs.put("link-then-overwrite-by-file.tar.gz", tar().file("g", "keep").symlink("f", "g").file("f", "new")
        .bytes());
    inputs.put("link-then-directory.tar.gz", tar().symlink("d", ".").dir("d").file("d/x", "x").bytes());
    inputs.put("link-dangling.tar.gz", tar().symlink("later", "missing/file").bytes());
    inputs.put("link-empty-target.tar.gz", tar().symlink("empty", "").bytes());
    inputs.put("link-backslash-target.tar.gz", tar().symlink("b", "..\\sentinel").bytes());
    inputs.put("link-pax-linkpath-escape.tar.gz", tar().pax("linkpath", "../../sentinel").symlink("p", "ok")
        .bytes());
  }

  private static void hardlinks(Map<String, byte[]> inputs) {
    inputs.put("hardlink-to-sentinel.tar.gz", tar().hardlink("h", "../sentinel/secret").bytes());
    inputs.put("hardlink-absolute.tar.gz", tar().hardlink("passwd", "/etc/passwd").bytes());
    inputs.put("hardlink-through-symlink.tar.gz", tar().symlink("s", "../sentinel").hardlink("h", "s/secret")
        .bytes());
    inputs.put("hardlink-through-inside-symlink.tar.gz", tar().dir("d").file("d/f", "x").symlink("s", "d")
        .hardlink("h", "s/f").bytes());
    inputs.put("hardlink-to-symlink.tar.gz", tar().file("f", "x").symlink("l", "f").hardlink("h", "l").bytes());
    inputs.put("hardlink-to-itself.tar.gz", tar().hardlink("h", "h").bytes());
    inputs.put("hardlink-to-later-entry.tar.gz", tar().hardlink("h", "f").file("f", "x").bytes());
    inputs.put("hardlink-to-directory.tar.gz", tar().dir("d").hardlink("h", "d").bytes());
    inputs.put("hardlink-chain.tar.gz", tar().file("f", "x").hardlink("h1", "f").hardlink("h2", "h1")
        .file("f", "changed").bytes());
    inputs.put("hardlink-then-write.tar.gz", tar().file("f", "original").hardlink("h", "f").file("h", "new")
        .bytes());
    inputs.put("hardlink-with-data.tar.gz", tar().file("f", "x").entry("h", '1', "f", "data".getBytes(
        StandardCharsets.UTF_8), 0644).bytes());
  }

  private static void duplicates(Map<String, byte[]> inputs) {
    inputs.put("duplicate-file.tar.gz", tar().file("a", "first").file("a", "second").bytes());
    inputs.put("duplicate-file-then-dir.tar.gz", tar().file("a", "x").dir("a").bytes());
    inputs.put("duplicate-dir-then-file.tar.gz", tar().dir("a").file("a", "x").bytes());
    inputs.put("duplicate-dir-then-symlink.tar.gz", tar().dir("a").symlink("a", "b").bytes());
    inputs.put("duplicate-symlink-then-dir.tar.gz", tar().symlink("a", "../sentinel").dir("a").bytes());
    inputs.put("duplicate-dir-twice.tar.gz", tar().dir("a").dir("a/").dir("./a").file("a/f", "x").bytes());
  }

  private static void bombs(Map<String, byte[]> inputs) {
    inputs.put("bomb-ratio.tar.gz", gz(tar().entry("zeros", '0', "", new byte[6 << 20], 0644)));
    TestArchives.Tar spread = tar();
    for (int i = 0; i < 8; i++) {
      spread.entry("z" + i, '0', "", new byte[1000 << 10], 0644);
    }
    inputs.put("bomb-ratio-spread.tar.gz", gz(spread));
    byte[] inner = gz(tar().entry("zeros", '0', "", new byte[1 << 20], 0644));
    TestArchives.Tar middle = tar();
    for (int i = 0; i < 10; i++) {
      middle.entry("inner" + i + ".tar.gz", '0', "", inner, 0644);
    }
    byte[] middleBytes = gz(middle);
    TestArchives.Tar outer = tar();
    for (int i = 0; i < 10; i++) {
      outer.entry("middle" + i + ".tar.gz", '0', "", middleBytes, 0644);
    }
    inputs.put("bomb-nested.tar.gz", gz(outer));
    inputs.put("bomb-skipped-directory-data.tar.gz", gz(tar().entry("dir/", '5', "", new byte[6 << 20], 0755)));
    TestArchives.Tar flood = tar();
    for (int i = 0; i < 12; i++) {
      flood.entry("pax", 'g', "", new byte[512 << 10], 0644);
    }
    inputs.put("bomb-pax-flood.tar.gz", gz(flood));
    inputs.put("bomb-gzip-of-gzip.tar.gz", TestArchives.gzip(gz(tar().entry("zeros", '0', "", new byte[6 << 20],
        0644))));
  }

  private static void names(Map<String, byte[]> inputs) {
    inputs.put("name-nul-in-pax-path.tar.gz", tar().paxPath("a\0b", "x").bytes());
    inputs.put("name-nul-hides-slip.tar.gz", tar().paxPath("ok\0/../../sentinel/owned", "x").bytes());
    inputs.put("name-newline.tar.gz", tar().file("a\nb.txt", "x").bytes());
    inputs.put("name-escape-sequence.tar.gz", tar().file("\u001b]0;title\u0007", "x").bytes());
    inputs.put("name-4000-characters.tar.gz", tar().paxPath("n".repeat(4000), "x").bytes());
    inputs.put("name-4000-characters-deep.tar.gz", tar().paxPath(("d".repeat(99) + "/").repeat(40) + "f", "x")
        .bytes());
    inputs.put("name-gnu-4000-characters.tar.gz", tar().gnuLongName("g".repeat(4000), "x").bytes());
    inputs.put("name-not-utf8.tar.gz", tar().custom("x", '0', "", new byte[] {'x'}, 0644,
        header -> header[1] = (byte) 0xff).bytes());
    inputs.put("name-empty.tar.gz", tar().file("", "x").bytes());
    inputs.put("name-dot.tar.gz", tar().file(".", "x").bytes());
    inputs.put("name-pax-empty-path.tar.gz", tar().pax("path", "").file("real", "x").bytes());
  }

  private static void specials(Map<String, byte[]> inputs) {
    inputs.put("special-char-device.tar.gz", tar().special("null", '3').bytes());
    inputs.put("special-block-device.tar.gz", tar().special("sda", '4').bytes());
    inputs.put("special-fifo.tar.gz", tar().special("pipe", '6').bytes());
    inputs.put("special-contiguous-file.tar.gz", tar().entry("contig", '7', "", new byte[] {'x'}, 0644).bytes());
    inputs.put("special-sparse.tar.gz", tar().special("sparse", 'S').bytes());
    inputs.put("special-volume-label.tar.gz", tar().special("label", 'V').bytes());
    inputs.put("special-unknown-type.tar.gz", tar().special("what", 'Z').bytes());
    inputs.put("special-setuid.tar.gz", tar().entry("suid", '0', "", new byte[] {'x'}, 04755).bytes());
    inputs.put("special-setgid-sticky-dir.tar.gz", tar().entry("shared/", '5', "", new byte[0], 03777)
        .file("shared/f", "x").bytes());
    inputs.put("special-world-writable.tar.gz", tar().entry("ww", '0', "", new byte[] {'x'}, 0777).bytes());
    inputs.put("special-mode-zero.tar.gz", tar().entry("locked/", '5', "", new byte[0], 0).file("locked/f", "x")
        .entry("nothing", '0', "", new byte[] {'x'}, 0).bytes());
  }

  private static void corrupt(Map<String, byte[]> inputs) {
    inputs.put("corrupt-empty-archive.tar.gz", gz(tar()));
    inputs.put("corrupt-empty-gzip.tar.gz", TestArchives.gzip(new byte[0]));
    inputs.put("corrupt-not-gzip.tar.gz", "plain text".getBytes(StandardCharsets.UTF_8));
    inputs.put("corrupt-gzip-of-text.tar.gz", TestArchives.gzip("garbage".repeat(200).getBytes(
        StandardCharsets.UTF_8)));
    byte[] valid = tar().file("main.py", "print(1)\n".repeat(100)).rawTar();
    inputs.put("corrupt-truncated-data.tar.gz", TestArchives.gzip(Arrays.copyOf(valid, 700)));
    inputs.put("corrupt-truncated-header.tar.gz", TestArchives.gzip(Arrays.copyOf(valid, 300)));
    byte[] gz = TestArchives.gzip(valid);
    inputs.put("corrupt-truncated-gzip.tar.gz", Arrays.copyOf(gz, gz.length - 10));
    byte[] badSum = valid.clone();
    badSum[0] ^= 1;
    inputs.put("corrupt-checksum.tar.gz", TestArchives.gzip(badSum));
    inputs.put("corrupt-huge-size.tar.gz", tar().custom("big", '0', "", new byte[] {'x'}, 0644,
        header -> TestArchives.put(header, 124, 12, "77777777777")).bytes());
    inputs.put("corrupt-base256-size.tar.gz", tar().custom("big", '0', "", new byte[] {'x'}, 0644,
        header -> Arrays.fill(header, 124, 136, (byte) 0xbf)).bytes());
    inputs.put("corrupt-negative-base256-size.tar.gz", tar().custom("neg", '0', "", new byte[] {'x'}, 0644,
        header -> Arrays.fill(header, 124, 136, (byte) 0xff)).bytes());
    inputs.put("corrupt-pax-size-overflow.tar.gz", tar().pax("size", "99999999999999999999999").file("f", "x")
        .bytes());
    inputs.put("corrupt-pax-negative-size.tar.gz", tar().pax("size", "-5").file("f", "x").bytes());
    inputs.put("corrupt-pax-bad-length.tar.gz", tar().entry("PaxHeaders/x", 'x', "", "999 path=a\n".getBytes(
        StandardCharsets.UTF_8), 0644).file("f", "x").bytes());
    ByteArrayOutputStream members = new ByteArrayOutputStream();
    members.writeBytes(TestArchives.gzip(tar().file("a", "first member").rawTar()));
    members.writeBytes(TestArchives.gzip(tar().file("../sentinel/owned", "second member").rawTar()));
    inputs.put("corrupt-concatenated-gzip-members.tar.gz", members.toByteArray());
    ByteArrayOutputStream trailing = new ByteArrayOutputStream();
    trailing.writeBytes(valid);
    trailing.writeBytes(tar().file("../sentinel/owned", "after the end").rawTar());
    inputs.put("corrupt-entries-after-end-blocks.tar.gz", TestArchives.gzip(trailing.toByteArray()));
  }

  /** {@code count} empty regular files. */
  private static byte[] tiny(int count) {
    TestArchives.Tar tar = tar();
    for (int i = 0; i < count; i++) {
      tar.entry(Integer.toString(i, 36), '0', "", new byte[0], 0644);
    }
    return tar.bytes();
  }

  private static TestArchives.Tar tar() {
    return new TestArchives.Tar();
  }

  private static byte[] gz(TestArchives.Tar tar) {
    return TestArchives.gzip(tar.rawTar());
  }
}

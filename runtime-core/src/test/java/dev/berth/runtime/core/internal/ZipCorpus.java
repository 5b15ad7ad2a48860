package dev.berth.runtime.core.internal;

import static dev.berth.runtime.core.internal.RawZip.utf8;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Crafted zip bundles for {@link BundleExtractionFuzzTest}: each one attacks one rule of safe extraction. Names
 * start with their category ({@code slip-}, {@code link-}, {@code duplicate-}, {@code bomb-}, {@code count-},
 * {@code name-}, {@code special-}, {@code corrupt-}, {@code reserved-}, {@code valid-}). The extraction target is
 * {@code ws} with a sibling directory {@code sentinel} that must never change.
 */
final class ZipCorpus {
  private ZipCorpus() {}

  static Map<String, byte[]> inputs() {
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    inputs.put("valid-bundle.zip", new RawZip().dir("pkg").file("main.py", "print('hi')\n")
        .file("pkg/__init__.py", "").file("pkg/a/b/c.txt", "deep").stored("./pkg/./x.txt", utf8("dots"))
        .file("..name-with-dots..", "not a parent").bytes());
    inputs.put("valid-empty-file.zip", new RawZip().stored("empty", new byte[0]).bytes());
    slips(inputs);
    links(inputs);
    duplicates(inputs);
    bombs(inputs);
    counts(inputs);
    names(inputs);
    specialsAndCorrupt(inputs);
    inputs.put("reserved-config-json-dir.zip", new RawZip().file("main.py", "x").dir("config.json")
        .file("config.json/inner", "x").bytes());
    inputs.put("reserved-berth-dir-file.zip", new RawZip().file(".berth", "not a directory").bytes());
    return inputs;
  }

  private static void slips(Map<String, byte[]> inputs) {
    inputs.put("slip-dotdot.zip", new RawZip().file("ok.txt", "x").file("../escaped.txt", "x").bytes());
    inputs.put("slip-sentinel.zip", new RawZip().file("../sentinel/owned", "x").bytes());
    inputs.put("slip-nested.zip", new RawZip().file("pkg/sub/../../../sentinel/owned", "x").bytes());
    inputs.put("slip-deep-nested.zip", new RawZip().file("a/b/c/d/e/../../../../../../escaped", "x").bytes());
    inputs.put("slip-backslash.zip", new RawZip().file("..\\sentinel\\owned", "x").bytes());
    inputs.put("slip-backslash-nested.zip", new RawZip().file("pkg\\..\\..\\escaped", "x").bytes());
    inputs.put("slip-absolute.zip", new RawZip().file("/tmp/berth-fuzz-escaped", "x").bytes());
    inputs.put("slip-absolute-double-slash.zip", new RawZip().file("//tmp/berth-fuzz-escaped", "x").bytes());
    inputs.put("slip-drive-letter.zip", new RawZip().file("C:/escaped", "x").bytes());
    inputs.put("slip-drive-backslash.zip", new RawZip().file("C:\\escaped", "x").bytes());
    inputs.put("slip-drive-relative.zip", new RawZip().file("c:escaped", "x").bytes());
    inputs.put("slip-unc.zip", new RawZip().file("\\\\server\\share\\escaped", "x").bytes());
    inputs.put("slip-dotdot-dir.zip", new RawZip().dir("..").file("x", "x").bytes());
    inputs.put("slip-dotdot-only.zip", new RawZip().stored("..", utf8("x")).bytes());
    inputs.put("slip-dot-entries.zip", new RawZip().dir(".").dir("./").file("././a", "x").bytes());
    inputs.put("slip-after-valid-files.zip", new RawZip().file("a", "1").file("b/c", "2").dir("d")
        .file("../sentinel/owned", "x").bytes());
  }

  private static void links(Map<String, byte[]> inputs) {
    // The zip stream carries no file types, so these become regular files (or are rejected); never links.
    inputs.put("link-symlink-attribute.zip", new RawZip().entry(utf8("link"), utf8("../sentinel"), false,
        0120777, 0).file("link/owned", "x").bytes());
    inputs.put("link-symlink-absolute.zip", new RawZip().entry(utf8("passwd"), utf8("/etc/passwd"), false,
        0120777, 0).bytes());
    inputs.put("link-symlink-then-overwrite.zip", new RawZip().entry(utf8("f"), utf8("../sentinel/secret"),
        false, 0120777, 0).file("f", "overwritten").bytes());
  }

  private static void duplicates(Map<String, byte[]> inputs) {
    inputs.put("duplicate-file.zip", new RawZip().file("a.txt", "first").file("a.txt", "second").bytes());
    inputs.put("duplicate-file-then-dir.zip", new RawZip().file("a", "file").dir("a").bytes());
    inputs.put("duplicate-dir-then-file.zip", new RawZip().dir("a").file("a", "file").bytes());
    inputs.put("duplicate-file-as-parent.zip", new RawZip().file("a", "file").file("a/b", "x").bytes());
    inputs.put("duplicate-case.zip", new RawZip().file("README", "1").file("readme", "2").file("ReadMe", "3")
        .bytes());
    RawZip overlap = new RawZip().stored("one", utf8("shared data"));
    for (int i = 0; i < 200; i++) {
      overlap.centralEntry(utf8("alias" + i), 0, 0, 0, 11, 11, 0100644, 0);
    }
    inputs.put("duplicate-overlapping-central-entries.zip", overlap.bytes());
  }

  private static void bombs(Map<String, byte[]> inputs) {
    inputs.put("bomb-ratio.zip", new RawZip().deflated("zeros", new byte[6 << 20]).bytes());
    RawZip many = new RawZip();
    for (int i = 0; i < 8; i++) {
      many.deflated("z" + i, new byte[1000 << 10]);
    }
    inputs.put("bomb-ratio-spread.zip", many.bytes());
    byte[] inner = new RawZip().deflated("zeros", new byte[1 << 20]).bytes();
    RawZip middle = new RawZip();
    for (int i = 0; i < 10; i++) {
      middle.deflated("inner" + i + ".zip", inner);
    }
    byte[] middleBytes = middle.bytes();
    RawZip outer = new RawZip();
    for (int i = 0; i < 10; i++) {
      outer.deflated("middle" + i + ".zip", middleBytes);
    }
    inputs.put("bomb-nested.zip", outer.bytes());
    inputs.put("bomb-stored-claims-small.zip", lyingSize(new RawZip().deflated("big", new byte[4 << 20]).bytes()));
  }

  private static void counts(Map<String, byte[]> inputs) {
    inputs.put("count-100000-tiny-entries.zip", tiny(100_000, -1));
    inputs.put("count-central-directory-lies.zip", tiny(12_000, 1));
    inputs.put("count-claims-huge.zip", new RawZip().file("a", "x").claimEntries(Long.MAX_VALUE).bytes());
  }

  private static void names(Map<String, byte[]> inputs) {
    inputs.put("name-nul.zip", new RawZip().file("a\0b.txt", "x").bytes());
    inputs.put("name-nul-hides-slip.zip", new RawZip().file("ok.txt\0/../../escaped", "x").bytes());
    inputs.put("name-newline.zip", new RawZip().file("a\nb.txt", "x").bytes());
    inputs.put("name-carriage-return.zip", new RawZip().file("a\rb.txt", "x").bytes());
    inputs.put("name-escape-sequence.zip", new RawZip().file("\u001b[31mred", "x").bytes());
    inputs.put("name-4000-characters.zip", new RawZip().file("n".repeat(4000), "x").bytes());
    inputs.put("name-4000-characters-deep.zip", new RawZip().file(("d".repeat(99) + "/").repeat(40), "x")
        .file(("d".repeat(99) + "/").repeat(40) + "f", "x").bytes());
    inputs.put("name-255-byte-segment.zip", new RawZip().file("s".repeat(255), "ok").bytes());
    inputs.put("name-256-byte-segment.zip", new RawZip().file("s".repeat(256), "x").bytes());
    inputs.put("name-not-utf8.zip", new RawZip().entry(new byte[] {'c', 'a', 'f', (byte) 0xe9}, utf8("x"), false,
        0100644, 0).bytes());
    inputs.put("name-empty.zip", new RawZip().stored("", utf8("x")).bytes());
    inputs.put("name-slash-only.zip", new RawZip().stored("/", new byte[0]).bytes());
    inputs.put("name-unicode.zip", new RawZip().entry(utf8("caf\u00e9/\u2024\u2024/\u202eevil.txt"), utf8("x"),
        false, 0100644, 0x800).bytes());
  }

  private static void specialsAndCorrupt(Map<String, byte[]> inputs) {
    inputs.put("special-setuid.zip", new RawZip().entry(utf8("run"), utf8("#!/bin/sh\n"), false, 0106777, 0)
        .bytes());
    inputs.put("special-device.zip", new RawZip().entry(utf8("null"), new byte[0], false, 0020666, 0).bytes());
    inputs.put("special-fifo.zip", new RawZip().entry(utf8("pipe"), new byte[0], false, 0010644, 0).bytes());
    inputs.put("corrupt-empty-archive.zip", new RawZip().bytes());
    inputs.put("corrupt-encrypted-flag.zip", new RawZip().entry(utf8("a"), utf8("x"), false, 0100644, 1).bytes());
    inputs.put("corrupt-unknown-method.zip", new RawZip().entry(utf8("a"), utf8("x"), 12, 0100644, 0).bytes());
    byte[] badCrc = new RawZip().stored("a", utf8("data")).bytes();
    badCrc[14] ^= 0x55;
    inputs.put("corrupt-crc.zip", badCrc);
    byte[] valid = new RawZip().file("main.py", "print(1)\n".repeat(50)).bytes();
    inputs.put("corrupt-truncated.zip", java.util.Arrays.copyOf(valid, valid.length / 2));
    inputs.put("corrupt-no-central-directory.zip", java.util.Arrays.copyOf(valid, valid.length - 22));
    inputs.put("corrupt-zip64-end-records.zip", new RawZip().file("a", "x").zip64().bytes());
    inputs.put("corrupt-not-a-zip.zip", utf8("this is plain text, not a zip archive\n"));
  }

  /** {@code count} empty stored files; the end record claims {@code claimed} entries when not negative. */
  private static byte[] tiny(int count, long claimed) {
    RawZip zip = new RawZip();
    for (int i = 0; i < count; i++) {
      zip.stored(Integer.toString(i, 36), new byte[0]);
    }
    return (claimed >= 0 ? zip.claimEntries(claimed) : zip).bytes();
  }

  /** The first local header claims 1 byte for both sizes while the data inflates to far more. */
  private static byte[] lyingSize(byte[] zip) {
    byte[] copy = zip.clone();
    copy[18] = 1;
    copy[19] = 0;
    copy[20] = 0;
    copy[21] = 0;
    copy[22] = 1;
    copy[23] = 0;
    copy[24] = 0;
    copy[25] = 0;
    return copy;
  }
}

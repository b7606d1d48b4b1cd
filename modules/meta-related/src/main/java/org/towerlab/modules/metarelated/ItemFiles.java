package org.towerlab.modules.metarelated;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FeatureTable;

/** What the readers of per-item files share: joining original ids to entity ids, provenance, lines. */
final class ItemFiles {
  private ItemFiles() {}

  /**
   * Original item id (normalized, {@link #normalize}) to entity id: the table's keys, or the entity
   * ids themselves when the source records none (the simulator).
   */
  static Map<String, Integer> index(FeatureTable items) {
    Map<String, Integer> out = new HashMap<>();
    for (int e = 0; e < items.size(); e++) {
      out.put(normalize(items.key(e)), e);
    }
    return out;
  }

  /**
   * The id as written, trimmed and without quotes; a number with an integral value is written as
   * that integer ({@code "12.0"} and {@code "12"} are the same id), so float id columns join.
   */
  static String normalize(String id) {
    String s = id.trim();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1).trim();
    }
    try {
      return Long.toString(Long.parseLong(s));
    } catch (NumberFormatException e) {
      // not an integer
    }
    try {
      double d = Double.parseDouble(s);
      if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
        return Long.toString((long) d);
      }
    } catch (NumberFormatException e) {
      // not a number: the id is the text
    }
    return s;
  }

  /** "sha256:...;rows=N" of a file, as {@code Dataset.files()} records it. */
  static String provenance(Path file, long rows) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(md.digest()) + ";rows=" + rows;
    } catch (IOException e) {
      throw unreadable(file, e, "");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The absolute, normalized path string used as a provenance key. */
  static String key(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  static UserException unreadable(Path file, IOException e, String key) {
    String what = e instanceof NoSuchFileException ? "does not exist" : "cannot be read (" + e.getMessage() + ")";
    return new UserException("The file " + file.toAbsolutePath() + (key.isEmpty() ? "" : " (" + key + ")") + " " + what
        + ". Check the path in the config; relative paths are resolved against the working directory.");
  }

  /**
   * The fields of a delimited line by the CSV rules ({@link org.towerlab.registry.io.Csv#line}: quoted
   * fields may hold the delimiter and doubled quotes), each trimmed.
   */
  static String[] split(String line, char delimiter) {
    String[] f = org.towerlab.registry.io.Csv.line(line, delimiter);
    for (int i = 0; i < f.length; i++) {
      f[i] = f[i].trim();
    }
    return f;
  }

  /** The delimiter of a text file: tab for {@code .tsv}, else comma. */
  static char delimiter(Path file) {
    return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
  }
}

package org.towerlab.modules.metarelated;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FeatureTable;

/**
 * Reads a {@link VectorFileConfig} into a dense column {@code [numItems * dim]} aligned with the
 * corpus' entity ids (the format rules are on {@link VectorFileConfig}).
 */
final class VectorFiles {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

  private VectorFiles() {}

  /** The vectors and the number of file rows read. */
  record Column(float[] values, int dim, int rows, int missing) {}

  /**
   * @param items the corpus (its keys join the file's ids)
   * @param key the config key of this file, for messages ({@code $.data.vectors[0]})
   */
  static Column read(VectorFileConfig c, FeatureTable items, String key) {
    Path file = Path.of(c.file());
    Matrix m = switch (c.format()) {
      case "npy" -> npy(file, key);
      case "csv" -> csv(file, key);
      default -> f32(file, c.dim(), key);
    };
    int dim = m.width - 1;
    if (dim < 1) {
      throw new UserException("The vector file " + file.toAbsolutePath() + " (" + key + ") has " + m.width
          + " column(s); it needs the id column and at least one vector column.");
    }
    if (c.dim() != null && c.dim() != dim) {
      throw new UserException("The vector file " + file.toAbsolutePath() + " (" + key + ") holds vectors of width "
          + dim + " but " + key + ".dim is " + c.dim() + ". Fix dim or the file.");
    }
    Map<String, Integer> index = ItemFiles.index(items);
    int n = items.size();
    float[] out = new float[n * dim];
    boolean[] filled = new boolean[n];
    int matched = 0;
    for (int r = 0; r < m.rows; r++) {
      Integer e = index.get(m.ids[r]);
      if (e == null) {
        continue;
      }
      if (filled[e]) {
        throw new UserException("The vector file " + file.toAbsolutePath() + " (" + key + ") lists item '" + m.ids[r]
            + "' twice (row " + (r + 1) + "). Keep one vector per item.");
      }
      filled[e] = true;
      matched++;
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        float v = m.values[r * dim + k];
        if (!Float.isFinite(v)) {
          throw new UserException("The vector file " + file.toAbsolutePath() + " (" + key + ") has a non-finite value ("
              + v + ") for item '" + m.ids[r] + "' (row " + (r + 1) + ").");
        }
        norm += (double) v * v;
      }
      double scale = c.normalize() && norm > 0 ? 1.0 / Math.sqrt(norm) : 1.0;
      for (int k = 0; k < dim; k++) {
        out[e * dim + k] = (float) (m.values[r * dim + k] * scale);
      }
    }
    if (matched == 0 && n > 0) {
      throw new UserException("No id of the vector file " + file.toAbsolutePath() + " (" + key + ") matches an item of"
          + " the data set (file ids such as '" + (m.rows == 0 ? "" : m.ids[0]) + "', item ids such as '" + items.key(0)
          + "'). The first column must hold the item ids of the source's files.");
    }
    if (matched < n && c.missing().equals("error")) {
      int first = 0;
      while (filled[first]) {
        first++;
      }
      throw new UserException("The vector file " + file.toAbsolutePath() + " (" + key + ") has no vector for "
          + (n - matched) + " of " + n + " items (the first: '" + items.key(first) + "'). Add them, or set "
          + key + ".missing: zeros.");
    }
    return new Column(out, dim, m.rows, n - matched);
  }

  /** Ids (normalized) and row-major vectors of a file. */
  private record Matrix(String[] ids, float[] values, int rows, int width) {}

  private static Matrix npy(Path file, String key) {
    byte[] bytes = bytes(file, key);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1)
        .equals("NUMPY")) {
      throw bad(file, key, "is not a .npy file (no \\x93NUMPY magic)");
    }
    int major = bytes[6];
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xffff;
      offset = 10;
    } else if (major == 2 || major == 3) {
      headerLen = buf.getInt(8);
      offset = 12;
    } else {
      throw bad(file, key, "has .npy format version " + major + " (1, 2 and 3 are read)");
    }
    String header = new String(bytes, offset, Math.min(headerLen, bytes.length - offset), StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher o = ORDER.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find()) {
      throw bad(file, key, "has a header without a 2-D shape, dtype and order: " + header.trim());
    }
    String descr = d.group(1);
    int size = switch (descr) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      default -> throw bad(file, key, "has dtype '" + descr + "'; save it as float32 ('<f4') or float64 ('<f8')");
    };
    if (o.group(1).equals("True")) {
      throw bad(file, key, "is in Fortran order; save it with numpy.ascontiguousarray");
    }
    long rows = Long.parseLong(s.group(1));
    long width = Long.parseLong(s.group(2));
    int data = offset + headerLen;
    if (rows * width * size != bytes.length - data) {
      throw bad(file, key, "holds " + (bytes.length - data) + " data bytes for shape (" + rows + ", " + width + ") of "
          + descr);
    }
    double[] all = new double[Math.toIntExact(rows * width)];
    for (int k = 0; k < all.length; k++) {
      all[k] = size == 4 ? buf.getFloat(data + 4 * k) : buf.getDouble(data + 8 * k);
    }
    return fromNumbers(all, (int) rows, (int) width, file, key);
  }

  private static Matrix f32(Path file, int dim, String key) {
    byte[] bytes = bytes(file, key);
    int width = dim + 1;
    if (bytes.length % (4 * width) != 0) {
      throw bad(file, key, "has " + bytes.length + " bytes, not a whole number of records of 1 + " + dim
          + " float32 values (" + 4 * width + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int rows = bytes.length / (4 * width);
    double[] all = new double[rows * width];
    for (int k = 0; k < all.length; k++) {
      all[k] = buf.getFloat(4 * k);
    }
    for (int r = 0; r < rows; r++) {
      if (Math.abs(all[r * width]) >= (1 << 24)) {
        throw bad(file, key, "has id " + all[r * width] + " in record " + (r + 1) + "; float32 ids are exact only below"
            + " 2^24. Use the npy (float64) or csv format");
      }
    }
    return fromNumbers(all, rows, width, file, key);
  }

  private static Matrix fromNumbers(double[] all, int rows, int width, Path file, String key) {
    String[] ids = new String[rows];
    float[] values = new float[rows * Math.max(0, width - 1)];
    for (int r = 0; r < rows; r++) {
      double id = all[r * width];
      if (id != Math.rint(id) || !Double.isFinite(id)) {
        throw bad(file, key, "has id " + id + " in row " + (r + 1) + "; the first column must hold integer item ids");
      }
      ids[r] = Long.toString((long) id);
      for (int k = 1; k < width; k++) {
        values[r * (width - 1) + k - 1] = (float) all[r * width + k];
      }
    }
    return new Matrix(ids, values, rows, width);
  }

  private static Matrix csv(Path file, String key) {
    char d = ItemFiles.delimiter(file);
    java.util.List<String> ids = new java.util.ArrayList<>();
    java.util.List<float[]> rows = new java.util.ArrayList<>();
    int width = -1;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = in.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = ItemFiles.split(line, d);
        if (no == 1 && f.length > 1 && !isNumber(f[1])) {
          continue; // a header line
        }
        if (width < 0) {
          width = f.length;
        } else if (f.length != width) {
          throw new UserException(file.toAbsolutePath() + " line " + no + ": expected " + width + " fields, found "
              + f.length + " (" + key + ").");
        }
        float[] v = new float[f.length - 1];
        for (int k = 1; k < f.length; k++) {
          try {
            v[k - 1] = Float.parseFloat(f[k]);
          } catch (NumberFormatException e) {
            throw new UserException(file.toAbsolutePath() + " line " + no + ": value '" + f[k] + "' in column " + (k + 1)
                + " is not a number (" + key + ").");
          }
        }
        ids.add(ItemFiles.normalize(f[0]));
        rows.add(v);
      }
    } catch (IOException e) {
      throw ItemFiles.unreadable(file, e, key + ".file");
    }
    int w = Math.max(width, 1);
    float[] values = new float[rows.size() * (w - 1)];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, values, r * (w - 1), w - 1);
    }
    return new Matrix(ids.toArray(String[]::new), values, rows.size(), w);
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static byte[] bytes(Path file, String key) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw ItemFiles.unreadable(file, e, key + ".file");
    }
  }

  private static UserException bad(Path file, String key, String what) {
    return new UserException("The vector file " + file.toAbsolutePath() + " (" + key + ") " + what + ".");
  }
}

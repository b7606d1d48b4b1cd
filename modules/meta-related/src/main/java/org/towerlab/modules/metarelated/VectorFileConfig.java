package org.towerlab.modules.metarelated;

import java.util.List;
import java.util.Locale;

/**
 * A dense per-item vector field read from a file: text or image embeddings computed elsewhere
 * (the multimodal content features of the paper). The file is an {@code [N, 1 + dim]} matrix whose
 * first column is the item's original id (as in the source's files: {@code FeatureTable.keys()},
 * or the entity id when the source records none) and whose other columns are the vector:
 * <ul>
 *   <li>{@code npy}: a NumPy {@code .npy} file (version 1, 2 or 3), C order, dtype {@code <f4} or
 *       {@code <f8}, shape {@code (N, 1 + dim)}; the ids must be integers;
 *   <li>{@code csv}: one line per item, {@code id,v_1,...,v_dim} ({@code .tsv}: tab-separated); the
 *       ids may be any text; a first line whose second field is not a number is a header;
 *   <li>{@code f32}: raw little-endian float32, {@code N} records of {@code 1 + dim} values; the ids
 *       must be integers below 2^24 (exact in float32).
 * </ul>
 * Items of the corpus that the file does not list get a zero vector (or an error with
 * {@code missing: error}); rows of items outside the corpus are ignored; a repeated id is an error.
 *
 * @param name the field's name on both sides (queries are items); required, not {@code id}
 * @param file the file; required
 * @param format {@code npy}, {@code csv} or {@code f32}; default from the file's extension
 *     ({@code .npy}, {@code .csv}/{@code .tsv}/{@code .txt}, anything else {@code f32})
 * @param dim the vector width; required for {@code f32}, checked against the file otherwise
 * @param normalize whether to scale every vector to unit L2 norm; default false
 * @param missing {@code zeros} (default) or {@code error}, for corpus items the file does not list
 */
public record VectorFileConfig(String name, String file, String format, Integer dim, Boolean normalize,
    String missing) {

  /** The formats. */
  public static final List<String> FORMATS = List.of("npy", "csv", "f32");

  public VectorFileConfig {
    if (name == null || name.isBlank() || name.equals("id")) {
      throw new IllegalArgumentException("a vector file needs a field name other than 'id', got " + name);
    }
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("vector field '" + name + "' needs file: the path of its vectors, got " + file);
    }
    format = format == null ? fromExtension(file) : format;
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("vector field '" + name + "': format must be one of " + FORMATS + ", got '"
          + format + "'");
    }
    if (dim != null && dim <= 0) {
      throw new IllegalArgumentException("vector field '" + name + "': dim must be positive, got " + dim);
    }
    if (format.equals("f32") && dim == null) {
      throw new IllegalArgumentException("vector field '" + name + "': an f32 file has no header, so dim is required");
    }
    normalize = normalize == null ? Boolean.FALSE : normalize;
    missing = missing == null ? "zeros" : missing;
    if (!missing.equals("zeros") && !missing.equals("error")) {
      throw new IllegalArgumentException("vector field '" + name + "': missing must be zeros or error, got '" + missing
          + "'");
    }
  }

  private static String fromExtension(String file) {
    String f = file.toLowerCase(Locale.ROOT);
    if (f.endsWith(".npy")) {
      return "npy";
    }
    return f.endsWith(".csv") || f.endsWith(".tsv") || f.endsWith(".txt") ? "csv" : "f32";
  }
}

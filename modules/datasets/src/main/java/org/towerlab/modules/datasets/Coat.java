package org.towerlab.modules.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/**
 * Coat shopping (Schnabel, Swaminathan, Singh, Chandak and Joachims, "Recommendations as
 * Treatments: Debiasing Learning and Evaluation", ICML 2016): 290 users x 300 items.
 * {@code train.ascii} holds ratings 1..5 on items the users chose themselves (missing not at
 * random), {@code test.ascii} ratings on items exposed uniformly at random; 0 = no rating.
 *
 * <p>The log holds every train rating (label {@code random} = 0) followed by every test rating
 * (label {@code random} = 1), labels {@code rating} and {@code random}, {@code exposed} = true on
 * every row, and the published propensity of each (user, item) in the propensities column. Coat
 * has no times: train rows get timestamp 0 and test rows 1. Side features come from the one-hot
 * files in {@code user_item_features/}: one categorical field per group of the map file (users:
 * {@code gender}, {@code age}, {@code location}, {@code fashioninterest}; items: {@code gender},
 * {@code jackettype}, {@code color}, {@code onfrontpage}). Item category = jacket type.
 */
public final class Coat implements DataSource {
  static final String HINT = "Download Coat from https://www.cs.cornell.edu/~schnabts/mnar/ (coat.zip) and"
      + " unzip it into the data root, or run 'towerlab data fetch coat' to download and verify it.";
  private final CoatConfig config;

  public Coat(CoatConfig config) {
    this.config = config;
  }

  @Override
  public Dataset load() {
    Path dir = DataRoot.locate(config.path(), "coat");
    Map<String, String> files = new LinkedHashMap<>();
    float[][] train = matrix(dir.resolve("train.ascii"), files, Coat::rating);
    float[][] test = matrix(dir.resolve("test.ascii"), files, Coat::rating);
    float[][] prop = matrix(dir.resolve("propensities.ascii"), files, Coat::propensity);
    int nu = train.length;
    int ni = nu == 0 ? 0 : train[0].length;
    if (nu == 0) {
      throw TextFile.utf8(dir.resolve("train.ascii"), HINT).empty("rating rows");
    }
    checkShape(dir.resolve("test.ascii"), test, nu, ni);
    checkShape(dir.resolve("propensities.ascii"), prop, nu, ni);

    Columns.Ints qs = new Columns.Ints();
    Columns.Ints is = new Columns.Ints();
    Columns.Longs ts = new Columns.Longs();
    Columns.Floats rating = new Columns.Floats();
    Columns.Floats random = new Columns.Floats();
    Columns.Floats pr = new Columns.Floats();
    float[][][] parts = {train, test};
    for (int part = 0; part < 2; part++) {
      for (int u = 0; u < nu; u++) {
        for (int i = 0; i < ni; i++) {
          float r = parts[part][u][i];
          if (r != 0f) {
            qs.add(u);
            is.add(i);
            ts.add(part);
            rating.add(r);
            random.add(part);
            pr.add(prop[u][i]);
          }
        }
      }
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("rating", rating.toArray());
    labels.put("random", random.toArray());
    boolean[] exposed = new boolean[qs.size()];
    java.util.Arrays.fill(exposed, true);
    InteractionLog log = new InteractionLog(qs.toArray(), is.toArray(), ts.toArray(), labels, exposed, null, pr.toArray());

    List<FieldSpec> fields = new ArrayList<>();
    fields.add(FieldSpec.categorical("id", Side.QUERY, nu));
    FeatureTable.Builder qb = FeatureTable.builder(Side.QUERY, nu);
    Path feat = dir.resolve("user_item_features");
    oneHot(feat.resolve("user_features.ascii"), feat.resolve("user_features_map.txt"), Side.QUERY, nu, fields, qb, files);
    fields.add(FieldSpec.categorical("id", Side.ITEM, ni));
    FeatureTable.Builder ib = FeatureTable.builder(Side.ITEM, ni);
    Map<String, int[]> itemGroups = oneHot(feat.resolve("item_features.ascii"), feat.resolve("item_features_map.txt"),
        Side.ITEM, ni, fields, ib, files);
    int[] category = itemGroups.getOrDefault("jackettype", new int[ni]);
    return new Dataset("coat", QueryKind.USER, new Schema(fields), qb.build(), ib.build(), log, category, files, null);
  }

  /** Checks one value of a matrix; returns null when it is fine, else the problem. */
  @FunctionalInterface
  private interface ValueCheck {
    String problem(float value);
  }

  /** Coat's ratings: 0 (no rating) or 1..5 stars. */
  private static String rating(float v) {
    return v == 0f || (v >= 1f && v <= 5f && v == Math.rint(v)) ? null
        : "rating " + v + " is not 0 (no rating) or a whole number of stars from 1 to 5";
  }

  /** A logging propensity: a probability, positive for every cell (every cell could be rated). */
  private static String propensity(float v) {
    return v > 0f && v <= 1f ? null : "propensity " + v + " is not a probability in (0, 1]";
  }

  /** One-hot features: 0 or 1. */
  private static String bit(float v) {
    return v == 0f || v == 1f ? null : "one-hot value " + v + " is not 0 or 1";
  }

  /** Reads a whitespace-separated matrix of numbers, each accepted by {@code check}. */
  private static float[][] matrix(Path path, Map<String, String> files, ValueCheck check) {
    TextFile f = TextFile.utf8(path, HINT).requireFinalNewline();
    List<float[]> rows = new ArrayList<>();
    int[] width = {-1};
    f.read((no, line) -> {
      String[] v = line.trim().split("\\s+");
      if (width[0] >= 0 && v.length != width[0]) {
        throw f.error(no, line, "expected " + width[0] + " values like the first line, found " + v.length);
      }
      width[0] = v.length;
      float[] row = new float[v.length];
      for (int k = 0; k < v.length; k++) {
        row[k] = f.parseFloat(no, line, v[k], "value " + (k + 1));
        String problem = check.problem(row[k]);
        if (problem != null) {
          throw f.error(no, line, "value " + (k + 1) + ": " + problem);
        }
      }
      rows.add(row);
    }, files);
    return rows.toArray(new float[0][]);
  }

  private static void checkShape(Path path, float[][] m, int rows, int cols) {
    if (m.length != rows || (rows > 0 && m[0].length != cols)) {
      throw new org.towerlab.api.UserException("Data file " + path.toAbsolutePath() + " has "
          + m.length + " rows of " + (m.length == 0 ? 0 : m[0].length) + " values, but train.ascii is "
          + rows + " x " + cols + ". Use the files of one Coat download.");
    }
  }

  /**
   * Turns a one-hot matrix into one categorical field per group named in the map file (lines
   * {@code group:value}); value index = position within the group + 1, 0 = no bit set.
   */
  private static Map<String, int[]> oneHot(Path matrixPath, Path mapPath, Side side, int n,
      List<FieldSpec> fields, FeatureTable.Builder builder, Map<String, String> files) {
    if (!Files.isRegularFile(matrixPath) || !Files.isRegularFile(mapPath)) {
      return Map.of();
    }
    TextFile mapFile = TextFile.utf8(mapPath, HINT);
    List<String> groupOfColumn = new ArrayList<>();
    mapFile.read((no, line) -> {
      int c = line.indexOf(':');
      if (c <= 0) {
        throw mapFile.error(no, line, "expected 'group:value'");
      }
      groupOfColumn.add(line.substring(0, c).trim());
    }, files);
    float[][] m = matrix(matrixPath, files, Coat::bit);
    if (m.length != n || (n > 0 && m[0].length != groupOfColumn.size())) {
      throw new org.towerlab.api.UserException("Feature file " + matrixPath.toAbsolutePath() + " has "
          + m.length + " rows of " + (m.length == 0 ? 0 : m[0].length) + " columns; expected " + n + " rows of "
          + groupOfColumn.size() + " columns (one per line of " + mapPath.getFileName() + ").");
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    Map<String, Integer> groupSize = new LinkedHashMap<>();
    int[] indexInGroup = new int[groupOfColumn.size()];
    for (int c = 0; c < groupOfColumn.size(); c++) {
      String g = groupOfColumn.get(c);
      int k = groupSize.merge(g, 1, Integer::sum);
      indexInGroup[c] = k;
      out.computeIfAbsent(g, x -> new int[n]);
    }
    for (int e = 0; e < n; e++) {
      for (int c = 0; c < groupOfColumn.size(); c++) {
        if (m[e][c] != 0f) {
          out.get(groupOfColumn.get(c))[e] = indexInGroup[c];
        }
      }
    }
    for (Map.Entry<String, int[]> g : out.entrySet()) {
      fields.add(FieldSpec.categorical(g.getKey(), side, groupSize.get(g.getKey()) + 1));
      builder.categorical(g.getKey(), g.getValue());
    }
    return out;
  }
}

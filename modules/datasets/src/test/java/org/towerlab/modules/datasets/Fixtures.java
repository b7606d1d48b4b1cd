package org.towerlab.modules.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/** Test helpers: fixture files and tiny hand-made data sets. */
final class Fixtures {
  private Fixtures() {}

  static Path write(Path dir, String name, String text) {
    return write(dir, name, text, Charset.forName("UTF-8"));
  }

  static Path write(Path dir, String name, String text, Charset cs) {
    try {
      Path p = dir.resolve(name);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text, cs);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path writeBytes(Path dir, String name, byte[] bytes) {
    try {
      Path p = dir.resolve(name);
      Files.write(p, bytes);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shared data root, or null when the shared data are not on this machine. */
  static Path sharedData(String folder) {
    Path p = DataRoot.root().resolve(folder);
    return Files.isDirectory(p) ? p : null;
  }

  /** A data set from explicit columns; ratings label only, no side features. */
  static Dataset ratings(int nUsers, int nItems, int[] users, int[] items, long[] ts, float[] ratings) {
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("rating", ratings);
    InteractionLog log = new InteractionLog(users, items, ts, labels, null, null, null);
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, nUsers),
        FieldSpec.categorical("id", Side.ITEM, nItems)));
    return new Dataset("fixture", QueryKind.USER, schema, FeatureTable.builder(Side.QUERY, nUsers).build(),
        FeatureTable.builder(Side.ITEM, nItems).build(), log, null, Map.of(), null);
  }

  /** A random ratings data set: each user rates a random number of distinct items at increasing times. */
  static Dataset randomRatings(int nUsers, int nItems, int maxPerUser, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    Columns.Ints u = new Columns.Ints();
    Columns.Ints it = new Columns.Ints();
    Columns.Longs ts = new Columns.Longs();
    Columns.Floats r = new Columns.Floats();
    for (int q = 0; q < nUsers; q++) {
      int n = 1 + rng.nextInt(maxPerUser);
      long t = rng.nextInt(1000);
      for (int k = 0; k < n; k++) {
        u.add(q);
        it.add(rng.nextInt(nItems));
        t += rng.nextInt(3);
        ts.add(t);
        r.add(1 + rng.nextInt(5));
      }
    }
    return ratings(nUsers, nItems, u.toArray(), it.toArray(), ts.toArray(), r.toArray());
  }
}

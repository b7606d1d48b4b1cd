package org.towerlab.evaluators;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.testkit.Logs;

/** Hand-built splits and a scorer over a fixed score matrix. */
final class Fixtures {
  private Fixtures() {}

  /** A log of (query, item) rows at times 0, 1, ... with the {@code positive} label (null: all 1). */
  static InteractionLog log(int[][] rows, float[] positive) {
    return Logs.rows(rows, positive);
  }

  /**
   * A log of (query, item) rows with the given labels and exposure flags ({@code null}: every row
   * is an interaction).
   */
  static InteractionLog log(int[][] rows, Map<String, float[]> labels, boolean[] exposed) {
    int n = rows.length;
    int[] q = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    for (int r = 0; r < n; r++) {
      q[r] = rows[r][0];
      it[r] = rows[r][1];
      ts[r] = r;
    }
    return new InteractionLog(q, it, ts, labels, exposed, null, null);
  }

  /** {@link #split} on a data set that knows its true relevance. */
  static Split withTruth(Split split, GroundTruth truth) {
    Dataset d = split.dataset();
    Dataset withTruth = new Dataset("simulated", d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(),
        d.log(), d.itemCategory(), d.files(), truth);
    return new Split(split.protocol(), split.settings(), withTruth, split.train(), split.valid(), split.test(),
        split.logged(), split.positiveLabel());
  }

  /** True relevance read from a fixed matrix {@code relevance[query][item]}. */
  static GroundTruth truth(double[][] relevance) {
    return new GroundTruth() {
      @Override
      public double relevance(int query, int item) {
        return relevance[query][item];
      }

      @Override
      public double exposurePropensity(int query, int item) {
        return 1.0 / relevance[query].length;
      }
    };
  }

  /**
   * A hand-made split. With {@code logged}, {@code train} and {@code test} are the logged rows (0/1
   * {@code positive} labels) and the positive rows are their rows labelled 1; otherwise they are
   * the positive rows and the split keeps no logged rows.
   */
  static Split split(int numQueries, int numItems, InteractionLog train, InteractionLog test,
      Map<String, Object> settings, boolean logged) {
    FeatureTable queries = FeatureTable.builder(Side.QUERY, numQueries).build();
    FeatureTable items = FeatureTable.builder(Side.ITEM, numItems).build();
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, numQueries),
        FieldSpec.categorical("id", Side.ITEM, numItems)));
    InteractionLog empty = log(new int[0][], null);
    Dataset dataset = new Dataset("hand", QueryKind.USER, schema, queries, items, train, null, null, null);
    if (!logged) {
      return new Split("hand", settings, dataset, train, empty, test, "positive");
    }
    return new Split("ctr", settings, dataset, positives(train), empty, positives(test),
        new Split.Logged(train, empty, test), "positive");
  }

  private static InteractionLog positives(InteractionLog log) {
    return Logs.positives(log);
  }

  /** Scores {@code scores[query][item]}; counts the blocks it was asked for. */
  static class MatrixScorer implements Scorer {
    private final float[][] scores;
    int blocks;

    MatrixScorer(float[][] scores) {
      this.scores = scores;
    }

    @Override
    public int numItems() {
      return scores[0].length;
    }

    @Override
    public NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
      blocks++;
      int width = itemTo - itemFrom;
      float[] flat = new float[queries.length * width];
      for (int r = 0; r < queries.length; r++) {
        System.arraycopy(scores[(int) queries[r]], itemFrom, flat, r * width, width);
      }
      return manager.create(flat, new Shape(queries.length, width)); // [Q, width]
    }

    @Override
    public float[] scorePairs(long[] queries, long[] items, NDManager manager) {
      float[] out = new float[queries.length];
      for (int i = 0; i < queries.length; i++) {
        out[i] = scores[(int) queries[i]][(int) items[i]];
      }
      return out;
    }
  }
}

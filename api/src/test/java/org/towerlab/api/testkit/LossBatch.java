package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * The Java values of one loss input of B rows, shaped as the trainer fills it for a row mode, so
 * that tests can permute rows, zero a weight or change one field and rebuild the {@link LossInput}.
 * Fields left {@code null} stay {@code null} in the input.
 *
 * <p>{@link #of} fills, for B = 4 rows:
 * <ul>
 *   <li>POSITIVES: {@code scores [B]}, {@code negatives [B, C]} (C = 5) with a mask where row 0 is
 *       all valid, row 1 has columns 1 and 3 masked, row 2 one valid column and row 3 none;
 *       {@code scoreLogQ [B]} and {@code negativeLogQ [B, C]} (log probabilities), labels
 *       {@code positive} = {@code click} = 1, {@code rating} 4 or 5, and {@code teacher [B, 1 + C]};
 *   <li>LOGGED: {@code scores [B]} and labels {@code positive} = {@code click} = 1, 0, 1, 0,
 *       {@code rating} 5, 1, 4, 2;
 *   <li>LISTS: {@code listScores [B, L]} (L = 4) with graded {@code listLabels}, a {@code listMask}
 *       with padded tails (row 2 has one slot), {@code listTeacher}, and the row label
 *       {@code positive} (1 when some slot is relevant).
 * </ul>
 * Scores are uniform in [-1, 1] from a seeded generator; weights are {@code null}. Tower outputs
 * are absent unless added with {@link #withHeads} (losses that score heads themselves, GNOLR's
 * levels, MVKE's tasks); the rows' ids ({@link LossInput#ids()}) unless added with {@link #withIds}
 * (losses that read per-item data, such as popularity weights).
 */
public final class LossBatch {
  public final TrainingRows mode;
  public final int rows;
  public float[] scores;
  public float[] negatives;
  public float[] negativeMask;
  public float[] scoreLogQ;
  public float[] negativeLogQ;
  public int candidates;
  public final Map<String, float[]> labels = new LinkedHashMap<>();
  public float[] weights;
  public float[] teacher;
  public float[] listScores;
  public float[] listLabels;
  public float[] listMask;
  public float[] listTeacher;
  public int listLength;
  /** The query and item towers' heads {@code [B, H, D]} (row-aligned), for losses that read outputs; or null. */
  public float[] queryHeads;
  public float[] itemHeads;
  public int heads;
  public int headDim;
  /** The rows' query and item ids {@code [B]} ({@link LossInput.Ids}), or null. */
  public long[] queryIds;
  public long[] itemIds;

  public LossBatch(TrainingRows mode, int rows) {
    this.mode = mode;
    this.rows = rows;
  }

  /** The default batch of a mode (see the class comment). */
  public static LossBatch of(TrainingRows mode, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int b = 4;
    LossBatch x = new LossBatch(mode, b);
    switch (mode) {
      case POSITIVES -> {
        int c = 5;
        x.candidates = c;
        x.scores = uniform(rng, b);
        x.negatives = uniform(rng, b * c);
        x.negativeMask = new float[] {
            1, 1, 1, 1, 1,
            1, 0, 1, 0, 1,
            0, 0, 1, 0, 0,
            0, 0, 0, 0, 0};
        x.scoreLogQ = logProbabilities(rng, b);
        x.negativeLogQ = logProbabilities(rng, b * c);
        x.labels.put("positive", new float[] {1, 1, 1, 1});
        x.labels.put("click", new float[] {1, 1, 1, 1});
        x.labels.put("rating", new float[] {4, 5, 4, 5});
        x.teacher = uniform(rng, b * (1 + c));
      }
      case LOGGED -> {
        x.scores = uniform(rng, b);
        x.labels.put("positive", new float[] {1, 0, 1, 0});
        x.labels.put("click", new float[] {1, 0, 1, 0});
        x.labels.put("rating", new float[] {5, 1, 4, 2});
      }
      case LISTS -> {
        int l = 4;
        x.listLength = l;
        x.listScores = uniform(rng, b * l);
        x.listLabels = new float[] {
            2, 1, 0, 0,
            0, 0, 1, 0,
            1, 0, 0, 0,
            0, 3, 0, 1};
        x.listMask = new float[] {
            1, 1, 1, 1,
            1, 1, 1, 0,
            1, 0, 0, 0,
            1, 1, 1, 1};
        x.listTeacher = uniform(rng, b * l);
        x.labels.put("positive", new float[] {1, 1, 1, 1});
      }
    }
    return x;
  }

  /**
   * Adds the query and item outputs of the B rows: heads {@code [B, heads, dim]}, standard normal
   * from {@code seed}; the loss input's outputs then have these heads and, as embedding, the heads
   * flattened to {@code [B, heads * dim]}.
   */
  public LossBatch withHeads(int heads, int dim, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    this.heads = heads;
    this.headDim = dim;
    this.queryHeads = normal(rng, rows * heads * dim);
    this.itemHeads = normal(rng, rows * heads * dim);
    return this;
  }

  /**
   * Adds the rows' query and item ids: the loss input then has {@link LossInput#ids()} with these
   * ids and row indices {@code 0 .. B-1} (in the permuted order after {@link #permute}).
   */
  public LossBatch withIds(long[] queries, long[] items) {
    if (queries.length != rows || items.length != rows) {
      throw new IllegalArgumentException("ids need " + rows + " rows, got " + queries.length + " and " + items.length);
    }
    this.queryIds = queries.clone();
    this.itemIds = items.clone();
    return this;
  }

  private static float[] normal(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) org.towerlab.api.nn.Init.gaussian(rng);
    }
    return v;
  }

  private static float[] uniform(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }

  private static float[] logProbabilities(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) Math.log(0.01 + 0.5 * rng.nextDouble());
    }
    return v;
  }

  /** A copy with the rows in the order {@code perm} (row i of the copy is row perm[i] of this). */
  public LossBatch permute(int[] perm) {
    LossBatch y = new LossBatch(mode, rows);
    y.candidates = candidates;
    y.listLength = listLength;
    y.scores = rowsOf(scores, perm, 1);
    y.negatives = rowsOf(negatives, perm, candidates);
    y.negativeMask = rowsOf(negativeMask, perm, candidates);
    y.scoreLogQ = rowsOf(scoreLogQ, perm, 1);
    y.negativeLogQ = rowsOf(negativeLogQ, perm, candidates);
    labels.forEach((k, v) -> y.labels.put(k, rowsOf(v, perm, 1)));
    y.weights = rowsOf(weights, perm, 1);
    y.teacher = rowsOf(teacher, perm, 1 + candidates);
    y.listScores = rowsOf(listScores, perm, listLength);
    y.listLabels = rowsOf(listLabels, perm, listLength);
    y.listMask = rowsOf(listMask, perm, listLength);
    y.listTeacher = rowsOf(listTeacher, perm, listLength);
    y.heads = heads;
    y.headDim = headDim;
    y.queryHeads = rowsOf(queryHeads, perm, heads * headDim);
    y.itemHeads = rowsOf(itemHeads, perm, heads * headDim);
    y.queryIds = idsOf(queryIds, perm);
    y.itemIds = idsOf(itemIds, perm);
    return y;
  }

  private static long[] idsOf(long[] v, int[] perm) {
    if (v == null) {
      return null;
    }
    long[] out = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      out[i] = v[perm[i]];
    }
    return out;
  }

  private static float[] rowsOf(float[] v, int[] perm, int width) {
    if (v == null) {
      return null;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < perm.length; i++) {
      System.arraycopy(v, perm[i] * width, out, i * width, width);
    }
    return out;
  }

  /**
   * The arrays of this batch on {@code manager}, by field name ({@code scores}, {@code negatives},
   * {@code negativeMask}, {@code scoreLogQ}, {@code negativeLogQ}, {@code label.<name>},
   * {@code weights}, {@code teacher}, {@code listScores}, {@code listLabels}, {@code listMask},
   * {@code listTeacher}, {@code queryHeads}, {@code itemHeads}, and the ids as int64
   * {@code queryIds}, {@code itemIds}); only the non-null fields.
   */
  public Map<String, NDArray> arrays(NDManager manager) {
    Map<String, NDArray> a = new LinkedHashMap<>();
    put(a, "scores", scores, manager, new Shape(rows));
    put(a, "negatives", negatives, manager, new Shape(rows, candidates));
    put(a, "negativeMask", negativeMask, manager, new Shape(rows, candidates));
    put(a, "scoreLogQ", scoreLogQ, manager, new Shape(rows));
    put(a, "negativeLogQ", negativeLogQ, manager, new Shape(rows, candidates));
    labels.forEach((k, v) -> put(a, "label." + k, v, manager, new Shape(rows)));
    put(a, "weights", weights, manager, new Shape(rows));
    put(a, "teacher", teacher, manager, new Shape(rows, 1 + candidates));
    put(a, "listScores", listScores, manager, new Shape(rows, listLength));
    put(a, "listLabels", listLabels, manager, new Shape(rows, listLength));
    put(a, "listMask", listMask, manager, new Shape(rows, listLength));
    put(a, "listTeacher", listTeacher, manager, new Shape(rows, listLength));
    put(a, "queryHeads", queryHeads, manager, new Shape(rows, heads, headDim));
    put(a, "itemHeads", itemHeads, manager, new Shape(rows, heads, headDim));
    if (queryIds != null && itemIds != null) {
      a.put("queryIds", Tensors.create(manager, queryIds));
      a.put("itemIds", Tensors.create(manager, itemIds));
    }
    return a;
  }

  private static void put(Map<String, NDArray> a, String name, float[] v, NDManager m, Shape shape) {
    if (v != null) {
      a.put(name, Tensors.create(m, v, shape));
    }
  }

  /** The loss input made of {@code arrays} (as returned by {@link #arrays}). */
  public static LossInput input(Map<String, NDArray> arrays) {
    Map<String, NDArray> labels = new LinkedHashMap<>();
    arrays.forEach((k, v) -> {
      if (k.startsWith("label.")) {
        labels.put(k.substring("label.".length()), v);
      }
    });
    return new LossInput.Builder()
        .scores(arrays.get("scores"))
        .negatives(arrays.get("negatives"), arrays.get("negativeMask"))
        .logQ(arrays.get("scoreLogQ"), arrays.get("negativeLogQ"))
        .labels(labels)
        .weights(arrays.get("weights"))
        .teacher(arrays.get("teacher"))
        .list(arrays.get("listScores"), arrays.get("listLabels"), arrays.get("listMask"))
        .listTeacher(arrays.get("listTeacher"))
        .outputs(output(arrays.get("queryHeads")), output(arrays.get("itemHeads")))
        .ids(ids(arrays.get("queryIds"), arrays.get("itemIds")))
        .build();
  }

  private static LossInput.Ids ids(NDArray queries, NDArray items) {
    if (queries == null || items == null) {
      return null;
    }
    long[] q = queries.toLongArray();
    int[] rows = new int[q.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    return new LossInput.Ids(q, items.toLongArray(), rows, null, null);
  }

  /** An output whose heads are {@code heads} and whose embedding is them flattened; null for null. */
  private static TowerOutput output(NDArray heads) {
    if (heads == null) {
      return null;
    }
    long b = heads.getShape().get(0);
    return new TowerOutput(heads.reshape(b, -1), heads, null, null, Map.of());
  }
}

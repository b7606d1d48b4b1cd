package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.IdentityHashMap;
import java.util.Map;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.nn.Tensors;

/**
 * A scorer that computes every (query, item) score of another scorer once, on first use, and
 * serves every later block from memory: several evaluators over an expensive scorer (a DNN ranker
 * scores every pair through an MLP; a cascade runs every stage per query) then score the corpus
 * once instead of once each. Used only when queries x items fits {@link #fits}; the scores are the
 * wrapped scorer's own, computed in blocks of {@value #BLOCK} queries. {@link #excluding} keeps one
 * matrix per seen set (a cascade's ranking depends on it).
 */
final class DenseScores implements Scorer {
  static final int BLOCK = 256;
  /** At most this many floats (256 MB) are kept per matrix. */
  static final long BUDGET = 64L << 20;

  private final Scorer inner;
  private final int numQueries;
  private final Map<InteractionLog, DenseScores> views = new IdentityHashMap<>();
  private float[] scores;

  DenseScores(Scorer inner, int numQueries) {
    this.inner = inner;
    this.numQueries = numQueries;
  }

  static boolean fits(int numQueries, int numItems) {
    return (long) numQueries * numItems <= BUDGET;
  }

  private synchronized float[] all() {
    if (scores == null) {
      int n = inner.numItems();
      float[] out = new float[numQueries * n];
      try (NDManager m = NDManager.newBaseManager()) {
        for (int from = 0; from < numQueries; from += BLOCK) {
          int to = Math.min(numQueries, from + BLOCK);
          long[] q = new long[to - from];
          for (int i = 0; i < q.length; i++) {
            q[i] = from + i;
          }
          try (NDManager b = m.newSubManager()) {
            float[] s = inner.scoreBlock(q, 0, n, b).toFloatArray();
            System.arraycopy(s, 0, out, from * n, s.length);
          }
        }
      }
      scores = out;
    }
    return scores;
  }

  @Override
  public int numItems() {
    return inner.numItems();
  }

  @Override
  public NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
    float[] s = all();
    int n = inner.numItems();
    int w = itemTo - itemFrom;
    float[] out = new float[queries.length * w];
    for (int i = 0; i < queries.length; i++) {
      System.arraycopy(s, (int) queries[i] * n + itemFrom, out, i * w, w);
    }
    return Tensors.create(manager, out, new Shape(queries.length, w));
  }

  @Override
  public float[] scorePairs(long[] queries, long[] items, NDManager manager) {
    float[] s = all();
    int n = inner.numItems();
    float[] out = new float[queries.length];
    for (int i = 0; i < queries.length; i++) {
      out[i] = s[(int) queries[i] * n + (int) items[i]];
    }
    return out;
  }

  @Override
  public synchronized Scorer excluding(InteractionLog seen) {
    Scorer view = inner.excluding(seen);
    if (view == inner) {
      return this;
    }
    return views.computeIfAbsent(seen, s -> new DenseScores(view, numQueries));
  }

  @Override
  public Scorer task(String name) {
    return new DenseScores(inner.task(name), numQueries);
  }

  @Override
  public long flopsPerPair() {
    return inner.flopsPerPair();
  }

  @Override
  public boolean itemSidePrecomputable() {
    return inner.itemSidePrecomputable();
  }

  @Override
  public void close() {
    inner.close();
  }
}

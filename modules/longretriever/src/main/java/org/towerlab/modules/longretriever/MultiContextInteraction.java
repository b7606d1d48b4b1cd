package org.towerlab.modules.longretriever;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.CorpusRanker;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * LongRetriever's multi-context retrieval (Ren et al., arXiv 2508.15486, 2025).
 *
 * <p><b>Training</b> ({@link #scoreAll}, {@link #scorePaired}): the normalized two-tower score
 * {@code s(u, v) = cos(e_u, v) / tau} of the query's {@code embedding}, which a
 * {@link LongRetrieverTower} sets to the target category's context vector {@code e_u^c(v)}
 * (in-context training; both towers stay decomposable, the item side is cached).
 *
 * <p><b>Evaluation</b> ({@link #rankCorpus}, a {@link CorpusRanker}): the query's heads
 * {@code [Q, K, D]} are its selected contexts (the extra {@value LongRetrieverTower#CONTEXT_CATEGORY}
 * names each one's category; empty slots are skipped, so the number of serving vectors is the number
 * of selected categories). Each context scores the corpus by cosine, retrieves its quota of the
 * {@code budget} (only from its own category with {@code restrict}), and the retrievals are merged
 * ({@link MultiContextMerge}); the scorer exposes the merged order as rank-based scores. A query with
 * no context (no history, or a tower without the extra: a flat sequence, any other tower) is ranked
 * by its embedding's cosine, which is the {@code cosine} interaction's ranking. The quotas, the
 * restriction and the merge order are our proposals [I].
 */
public final class MultiContextInteraction implements Interaction, CorpusRanker, Parameterized {
  /** Queries per scoring block in {@link #rankCorpus} ({@code [block * K, N]} floats at a time). */
  private static final int QUERY_BLOCK = 64;

  private final MultiContextInteractionConfig config;
  private final String path;
  private int[] itemCategory;

  public MultiContextInteraction(MultiContextInteractionConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    itemCategory = ctx.dataset().itemCategory();
    if (itemCategory == null) {
      throw new UserException("The multi-context interaction at " + path + " routes retrievals by item category,"
          + " but the data set '" + ctx.dataset().name() + "' has no item categories. Use a data set with categories"
          + " or the cosine interaction.");
    }
    if (config.quotas() != null) {
      for (FieldSpec f : ctx.dataset().schema().side(Side.QUERY)) {
        if (f.isByCategory() && config.quotas().size() < f.byCategory().contexts()) {
          throw new UserException(path + ".quotas has " + config.quotas().size() + " shares, but the by-category"
              + " sequence '" + f.name() + "' selects up to " + f.byCategory().contexts() + " categories per user."
              + " Give one share per context (first = the first selected category), or leave quotas out for equal"
              + " shares.");
        }
      }
    }
  }

  /** {@code x / sqrt(|x|^2 + 1e-12)} over the last axis. */
  static NDArray normalize(NDArray x) {
    NDArray norm = x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt(); // [.., 1]
    return x.div(norm);
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray q = normalize(queries.embedding()); // [B, D]
    NDArray v = normalize(items.embedding()); // [M, D]
    return q.matMul(v.transpose()).div(Tensors.scalar(fwd.manager(), config.temperature().floatValue())); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    long b = queries.embedding().getShape().get(0);
    NDArray q = normalize(queries.embedding()).expandDims(1); // [B, 1, D]
    NDArray v = normalize(items.embedding()).reshape(b, k, -1); // [B, K, D]
    return q.mul(v).sum(new int[] {2}).div(Tensors.scalar(fwd.manager(), config.temperature().floatValue())); // [B, K]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  @Override
  public long flopsPerPair(long dim) {
    return 2 * dim + 1;
  }

  /**
   * One cosine per pair with {@code restrict} (each item is scored by its category's context only);
   * without it, one per context and pair.
   */
  @Override
  public long flopsPerPair(TowerOutput queries, TowerOutput items) {
    long contexts = queries.heads() == null || config.restrict() ? 1 : queries.heads().getShape().get(1);
    return contexts * flopsPerPair(items.dim());
  }

  @Override
  public int[][] rankCorpus(TowerOutput queries, TowerOutput items, int[][] exclude, Forward fwd) {
    int n = (int) items.embedding().getShape().get(0);
    if (itemCategory == null || itemCategory.length != n) {
      throw new IllegalStateException("rankCorpus needs the whole corpus of " + (itemCategory == null ? "?"
          : itemCategory.length) + " items (initialized interaction), got " + n);
    }
    int q = (int) queries.embedding().getShape().get(0);
    NDArray v = normalize(items.embedding()).transpose(); // [D, N]
    NDArray context = queries.extras().get(LongRetrieverTower.CONTEXT_CATEGORY); // [Q, K] int64, or null
    NDArray heads = context == null || queries.heads() == null ? queries.embedding().expandDims(1)
        : queries.heads(); // [Q, K, D]
    int k = (int) heads.getShape().get(1);
    long[] categories = context == null ? null : context.toLongArray(); // [Q * K]
    List<Double> shares = config.quotas();
    int[][] out = new int[q][];
    for (int from = 0; from < q; from += QUERY_BLOCK) {
      int to = Math.min(q, from + QUERY_BLOCK);
      NDArray h = normalize(heads.get(from + ":" + to)).reshape((long) (to - from) * k, -1); // [b*K, D]
      float[] s = h.matMul(v).toFloatArray(); // [b*K, N]
      for (int i = from; i < to; i++) {
        int base = (i - from) * k;
        int valid = 0;
        for (int j = 0; j < k && categories != null; j++) {
          valid += categories[i * k + j] > 0 ? 1 : 0;
        }
        if (valid == 0) {
          out[i] = MultiContextMerge.order(java.util.Arrays.copyOfRange(s, base * n, (base + 1) * n),
              exclude == null ? null : exclude[i]);
          continue;
        }
        float[][] scores = new float[valid][];
        int[] cats = new int[valid];
        double[] weights = new double[valid];
        int c = 0;
        for (int j = 0; j < k; j++) {
          long cat = categories[i * k + j];
          if (cat > 0) {
            scores[c] = java.util.Arrays.copyOfRange(s, (base + j) * n, (base + j + 1) * n);
            cats[c] = (int) (cat - 1);
            weights[c] = shares == null ? 1.0 : shares.get(Math.min(j, shares.size() - 1));
            c++;
          }
        }
        out[i] = MultiContextMerge.merge(scores, cats, weights, config.budget(), config.restrict(), itemCategory,
            exclude == null ? null : exclude[i]);
      }
    }
    return out;
  }
}

package org.towerlab.modules.ebr;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * EBR's offline hard negative mining (Huang et al., KDD 2020, section 6.2): each query's hard
 * negatives are drawn uniformly from ranks {@code [rankFrom, rankTo]} (1-based; EBR: 101-500) of a
 * previous model's full-corpus ranking, and mixed with random "easy" negatives at
 * {@code easy:hard = easyRatio} (EBR: 100:1). A known training positive of the query is never a
 * hard negative.
 *
 * <p>The previous model is either the current one, re-ranked every {@code refreshEvery} epochs
 * through {@link SamplerContext#index()} (a query's window is computed the first time it is met
 * after a refresh and kept until the next refresh, so the ranking stays that of the model at the
 * refresh even though the trainer refreshes item vectors every epoch for validation), or an earlier
 * run's exported embeddings ({@code embeddings}), ranked by dot product or cosine and fixed.
 *
 * <p>Output: per-query hard negatives {@code [B][numHard]} with {@code perQueryMask} false where a
 * window held fewer valid items than {@code numHard}; shared easy negatives {@code [M]},
 * {@code M = round(easyRatio * numHard)}, drawn uniformly from the corpus. Before
 * {@code startEpoch} the hard slots hold uniform draws. With {@code logq}, each column's log
 * probability under the mixture proposal {@code q_i(j) = (M / N + h 1[j in W_i] / |W_i|) / (M + h)}
 * ({@code W_i} the query's filtered window, {@code h = numHard}) is reported; shared columns use the
 * uniform part only. The row's positive is corrected with the same proposal, as the corpus samplers
 * do ({@code inBatchLogQ}): it is never in its filtered window, so {@code q_i(pos) = (M / N) / (M + h)}
 * (the config requires {@code M > 0} with {@code logq}). Before {@code startEpoch} every column and
 * the positive are uniform draws: {@code log(1 / N)}.
 */
public final class OfflineHardSampler implements Sampler {
  private final OfflineHardSamplerConfig config;
  private final String path;
  private final Map<Long, int[]> windows = new HashMap<>();
  private int rankedAtEpoch = -1;
  private SavedEmbeddings saved;

  /**
   * @param path the sampler's config path ({@code $.sampler}), for error messages
   */
  public OfflineHardSampler(OfflineHardSamplerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  /** Uses already loaded embeddings instead of {@code config.embeddings()} (tests). */
  OfflineHardSampler(OfflineHardSamplerConfig config, SavedEmbeddings saved) {
    this(config, "$.sampler");
    this.saved = saved;
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    int n = ctx.numItems();
    int from = config.rankFrom() - 1;
    int to = Math.min(config.rankTo(), n);
    if (from >= to) {
      throw new UserException("The mining window of " + path + " starts at rank-from " + config.rankFrom()
          + " but the corpus has only " + n + " items. Lower " + path + ".rank-from (and rank-to) below " + n + ".");
    }
    int b = request.batchSize();
    int h = config.numHard();
    int m = config.numEasy();
    SplittableRandom rng = request.rng();
    long[] easy = new long[m];
    for (int j = 0; j < m; j++) {
      easy[j] = rng.nextInt(n);
    }
    long[][] hard = new long[b][h];
    boolean[][] mask = new boolean[b][h];
    float[][] logq = config.logq() ? new float[b][h] : null;
    boolean mining = request.epoch() >= config.startEpoch();
    if (mining) {
      prepare(request, ctx, from, to);
    }
    for (int i = 0; i < b; i++) {
      long q = request.queries()[i];
      if (!mining) {
        for (int j = 0; j < h; j++) {
          hard[i][j] = rng.nextInt(n);
          mask[i][j] = true;
          if (logq != null) {
            logq[i][j] = (float) Math.log(1.0 / n);
          }
        }
        continue;
      }
      int[] window = windows.get(q);
      // Filter known positives (and the row's own positive), then draw h without replacement.
      int[] valid = new int[window.length];
      int nv = 0;
      for (int item : window) {
        if (item != request.positives()[i] && !ctx.isKnownPositive(q, item)) {
          valid[nv++] = item;
        }
      }
      for (int j = 0; j < h; j++) {
        if (j < nv) {
          int pick = j + rng.nextInt(nv - j);
          int t = valid[j];
          valid[j] = valid[pick];
          valid[pick] = t;
          hard[i][j] = valid[j];
          mask[i][j] = true;
          if (logq != null) {
            logq[i][j] = (float) Math.log((m / (double) n + h / (double) nv) / (m + h));
          }
        } else {
          hard[i][j] = request.positives()[i];
          mask[i][j] = false;
        }
      }
    }
    float[] easyLogq = null;
    float[] positiveLogq = null;
    if (config.logq()) {
      // while mining, an easy column and the positive (never a hard negative) have the mixture's
      // uniform part; before, every column is a uniform draw
      float uniformPart = (float) (mining ? Math.log((m / (double) n) / (m + h)) : Math.log(1.0 / n));
      easyLogq = new float[m];
      java.util.Arrays.fill(easyLogq, uniformPart);
      positiveLogq = new float[b];
      java.util.Arrays.fill(positiveLogq, uniformPart);
    }
    return new Negatives(false, positiveLogq, easy, easyLogq, hard, logq, mask);
  }

  /** Makes sure every query of the batch has its window, re-ranking when a refresh is due. */
  private void prepare(SampleRequest request, SamplerContext ctx, int from, int to) {
    if (saved == null && config.embeddings() != null) {
      saved = SavedEmbeddings.load(Path.of(config.embeddings()), config.similarity(), path + ".embeddings");
      if (saved.numItems() != ctx.numItems()) {
        throw new UserException("The embeddings at " + path + ".embeddings (" + config.embeddings() + ") have "
            + saved.numItems() + " items but this data set has " + ctx.numItems() + ". Use the embeddings of a run"
            + " on the same data set.");
      }
    }
    if (saved == null) {
      boolean due = rankedAtEpoch < 0
          || (config.refreshEvery() > 0 && request.epoch() - rankedAtEpoch >= config.refreshEvery());
      if (due) {
        ctx.index().refresh();
        windows.clear();
        rankedAtEpoch = request.epoch();
      }
    }
    long[] missing = java.util.Arrays.stream(request.queries()).distinct().filter(q -> !windows.containsKey(q))
        .toArray();
    if (missing.length == 0) {
      return;
    }
    if (saved != null) {
      for (long q : missing) {
        if (q >= saved.numQueries()) {
          throw new UserException("The embeddings at " + path + ".embeddings have " + saved.numQueries()
              + " queries but the batch holds query " + q + ". Use the embeddings of a run on the same data set.");
        }
        windows.put(q, saved.ranked((int) q, from, to));
      }
    } else {
      long[][] ranked = ctx.index().ranked(missing, from, to);
      for (int i = 0; i < missing.length; i++) {
        int[] w = new int[ranked[i].length];
        for (int j = 0; j < w.length; j++) {
          w[j] = (int) ranked[i][j];
        }
        windows.put(missing[i], w);
      }
    }
  }
}

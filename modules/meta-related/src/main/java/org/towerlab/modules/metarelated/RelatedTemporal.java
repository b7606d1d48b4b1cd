package org.towerlab.modules.metarelated;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * The split of co-engagement pairs: one global time cut on the pairs' timestamps, and Meta's
 * relabelling on the training part.
 *
 * <p><b>Why a time cut on the pair's later event.</b> A pair (a, b) of the {@code co-engagement}
 * source is stamped with the time of its later event. With {@code t_v} and {@code t_t} the
 * {@code valid-start} and {@code test-start} quantiles of the engaged pairs' timestamps, a pair goes
 * to train when its stamp is before {@code t_v}, to valid when it is in {@code [t_v, t_t)}, to test
 * otherwise. So both events of every training pair happened before {@code t_v}: no validation or
 * test engagement is used to build a training pair, and no training pair is built from the same two
 * events as a test pair. A test pair may have its seed event before the cut (the user watched the
 * seed earlier and the candidate now), as in serving. A random split of pairs would leak: the pair
 * (b, a) of the same two events, or the pairs (a, b) and (b, c) of one session, would fall on both
 * sides. Deterministic (no randomness).
 *
 * <p><b>Relabelling</b> ({@code min-relevance}): in the training part a pair is a positive when it is
 * engaged and its relevance label is at least {@code min-relevance}: {@code y = e AND r}
 * (Jaspal et al., arXiv 2507.09403; the exact rule is not in the abstract, this is the recipe of the
 * paper notes [I]). Engaged pairs that fail it stay as logged training rows with {@code positive}
 * 0, next to the shown-but-not-engaged pairs, so pointwise losses and the {@code exposure} sampler
 * see them as negatives. Relabelling never adds a positive ({@link #relabel}). Validation and test
 * keep the engagement labels (unless {@code relabel-valid}), so the evaluation measures engagement
 * and, through the {@code semantic} evaluator, relevance.
 *
 * <p>Logged rows: every pair of a part with its {@code positive} label, kept when the source wrote
 * shown-but-not-engaged pairs or relabelling demoted some; otherwise the split has none.
 */
public final class RelatedTemporal implements Protocol {
  private final RelatedTemporalConfig config;

  public RelatedTemporal(RelatedTemporalConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "related-temporal";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    require(data, config.label(), "label");
    float[] engaged = log.label(config.label());
    boolean[] shown = log.exposed();
    int n = log.size();
    float[] positive = new float[n];
    int[] engagedRows = new int[n];
    int ne = 0;
    for (int r = 0; r < n; r++) {
      boolean e = engaged[r] > 0 && (shown == null || shown[r]);
      positive[r] = e ? 1f : 0f;
      if (e) {
        engagedRows[ne++] = r;
      }
    }
    long[] ts = new long[ne];
    for (int k = 0; k < ne; k++) {
      ts[k] = log.timestamps()[engagedRows[k]];
    }
    Arrays.sort(ts);
    long tValid = quantile(ts, config.validStart());
    long tTest = quantile(ts, config.testStart());
    int[] part = new int[n];
    for (int r = 0; r < n; r++) {
      long t = log.timestamps()[r];
      part[r] = t < tValid ? 0 : t < tTest ? 1 : 2;
    }
    int demoted = 0;
    if (config.minRelevance() != null) {
      require(data, config.relevanceLabel(), "relevance-label");
      float[] relevance = log.label(config.relevanceLabel());
      boolean[] in = new boolean[n];
      for (int r = 0; r < n; r++) {
        in[r] = part[r] == 0 || (config.relabelValid() && part[r] == 1);
      }
      float[] relabelled = relabel(positive, relevance, config.minRelevance(), in);
      for (int r = 0; r < n; r++) {
        demoted += positive[r] > 0 && relabelled[r] <= 0 ? 1 : 0;
      }
      positive = relabelled;
    }
    int negatives = 0;
    for (int r = 0; r < n; r++) {
      negatives += positive[r] <= 0 && (shown == null || shown[r]) ? 1 : 0;
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("label", config.label());
    s.put("exclude-seen", config.excludeSeen());
    s.put("valid-start", config.validStart());
    s.put("test-start", config.testStart());
    s.put("valid-start.timestamp", tValid);
    s.put("test-start.timestamp", tTest);
    s.put("min-relevance", config.minRelevance() == null ? "none" : config.minRelevance());
    s.put("relabel-valid", config.relabelValid());
    s.put("relabel.demoted", demoted);
    int[][] pos = new int[3][];
    int[][] all = new int[3][];
    for (int p = 0; p < 3; p++) {
      final int q = p;
      final float[] y = positive;
      pos[p] = java.util.stream.IntStream.range(0, n).filter(r -> part[r] == q && y[r] > 0).toArray();
      all[p] = java.util.stream.IntStream.range(0, n)
          .filter(r -> part[r] == q && (shown == null || shown[r])).toArray();
    }
    s.put("rows.input", n);
    s.put("rows.train", pos[0].length);
    s.put("rows.valid", pos[1].length);
    s.put("rows.test", pos[2].length);
    Split.Logged logged = null;
    if (negatives > 0) {
      logged = new Split.Logged(part(log, all[0], positive), part(log, all[1], positive), part(log, all[2], positive));
      s.put("logged.train", all[0].length);
      s.put("logged.valid", all[1].length);
      s.put("logged.test", all[2].length);
    }
    return new Split(name(), s, data, part(log, pos[0], positive), part(log, pos[1], positive),
        part(log, pos[2], positive), logged, "positive");
  }

  /**
   * Meta's relabelling {@code y = e AND r}: {@code out[r] = 1} when {@code positive[r] > 0},
   * {@code relevance[r] >= minRelevance} and the row is selected ({@code in[r]}); unselected rows keep
   * their label. A row that was not a positive never becomes one, so the positive count can only go
   * down.
   */
  static float[] relabel(float[] positive, float[] relevance, double minRelevance, boolean[] in) {
    float[] out = positive.clone();
    for (int r = 0; r < out.length; r++) {
      if (in[r] && out[r] > 0 && !(relevance[r] >= minRelevance)) {
        out[r] = 0f;
      }
    }
    return out;
  }

  private void require(Dataset data, String label, String key) {
    if (!data.log().hasLabel(label)) {
      throw new UserException("Protocol 'related-temporal' option " + key + ": '" + label + "' is not a label of data"
          + " set '" + data.name() + "', which has " + data.log().labelNames() + ". The protocol splits co-engagement"
          + " pairs: use data: {type: co-engagement, ...} or set data.protocol." + key + ".");
    }
  }

  private static InteractionLog part(InteractionLog log, int[] rows, float[] positive) {
    InteractionLog sel = log.select(rows);
    float[] p = new float[rows.length];
    for (int k = 0; k < rows.length; k++) {
      p[k] = positive[rows[k]];
    }
    return sel.withLabel("positive", p);
  }

  private static long quantile(long[] sorted, double q) {
    int k = (int) Math.floor(q * sorted.length);
    return k >= sorted.length ? Long.MAX_VALUE : sorted[k];
  }
}

package org.towerlab.evaluators;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.UserException;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * How well a stage of a cascade agrees with a reference (the true relevance, or the ranker that
 * follows it) on the candidates it really receives, the per-stage view of cascade evaluation in
 * RankFlow (Qin et al., "Joint Optimization of Multi-Stage Cascade Ranking Systems as Flows",
 * SIGIR 2022) and ARF. For each evaluated query, with {@code C} the
 * candidate set (every unseen item, or the top {@code M} unseen items of an upstream stage),
 * {@code S} the stage's ranking of {@code C} and {@code R} the reference's (both: higher value
 * first, then lower item id; NaN last), {@code n = |C|} and {@code k' = min(k, n)}:
 *
 * <ul>
 *   <li>{@code recall@m@k} = |S[1..m] ∩ R[1..k]| / k': the share of the reference's top-k that the
 *       stage keeps in its top-m (m >= k; Wang et al., "Adaptive Neural Ranking Framework: Toward
 *       Maximized Business Goal for Cascade Ranking Systems", arXiv 2310.10462, the ARF paper);
 *   <li>{@code opa}: ordered pair accuracy over every pair of {@code C} that the reference orders
 *       (different reference values): the share the stage orders the same way, a stage tie counting
 *       one half; pairs the reference ties are left out (ARF);
 *   <li>{@code ndcg@k}: the stage's top-k scored with gains from the reference's ranks: an item at
 *       reference rank {@code r <= k} has gain {@code k + 1 - r}, every other item 0;
 *       {@code DCG = sum_{j <= k'} gain(S[j]) / log2(j + 1)}, normalised by the reference's own
 *       top-k, {@code IDCG = sum_{j <= k'} (k + 1 - j) / log2(j + 1)}. 1 exactly when the stage's
 *       top-k is the reference's top-k in the same order.
 * </ul>
 *
 * <p>Keys: {@code [<scorer>/]vs-<reference>/[in-<candidates>-top<M>/]<metric>}, for example
 * {@code pre-ranker/vs-ranker/in-retriever-top200/recall@50@10}. The evaluated queries are those
 * the default {@code topk} evaluator evaluates (at least one positive row in the part). Undefined
 * values (no candidate, no ordered pair) are NaN per query and left out of the means.
 *
 * <p>Scoring: with {@code corpus} candidates every score of a block of {@code query-block} queries
 * is copied to Java ({@link Scorer#scoreBlock} per {@code item-block}, one sub-manager each);
 * with a candidates stage, that stage ranks the corpus as the {@code topk} evaluator does and the
 * stage and reference score the {@code query-block x M} pairs with {@link Scorer#scorePairs}.
 * Memory is bounded by {@code query-block x items} floats per scorer. See {@code docs/metrics.md}.
 */
public final class CascadeEvaluator implements Evaluator {
  private final CascadeEvaluatorConfig config;
  private final String path;

  public CascadeEvaluator(CascadeEvaluatorConfig config) {
    this(config, EvalSupport.NO_PATH);
  }

  /** @param path the config path of this evaluator ({@code $.evaluators[0]}), for messages */
  public CascadeEvaluator(CascadeEvaluatorConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public CascadeEvaluatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "cascade";
  }

  /** A truth reference needs ground truth; a scorer reference applies to every split. */
  @Override
  public boolean appliesTo(Split split) {
    return !config.truthReference() || split.dataset().truth().isPresent();
  }

  @Override
  public String incompatibility(Split split) {
    return appliesTo(split) ? null : "The cascade evaluator at " + path + " has reference: truth, but data set '"
        + split.dataset().name() + "' has no ground truth (only the simulator knows it). Set " + path
        + ".reference to a named scorer of the run (the ranker stage), or run it on data: {type: simulator}.";
  }

  @Override
  public Set<String> scorerNames() {
    Set<String> names = new LinkedHashSet<>();
    if (config.scorer() != null) {
      names.add(config.scorer());
    }
    if (!config.truthReference()) {
      names.add(config.reference());
    }
    if (!config.corpusCandidates()) {
      names.add(config.candidates());
    }
    return names;
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    Split split = ctx.split();
    boolean excludeSeen = EvalSupport.excludeSeen(config.excludeSeen(), split, path);
    Scorer stage = EvalSupport.scorer(ctx, config.scorer(), path, "scorer", excludeSeen);
    GroundTruth truth = null;
    Scorer reference = null;
    if (config.truthReference()) {
      truth = split.dataset().truth().orElseThrow(() -> new UserException(incompatibility(split)));
    } else {
      reference = EvalSupport.scorer(ctx, config.reference(), path, "reference", excludeSeen);
    }
    Scorer upstream = config.corpusCandidates() ? null
        : EvalSupport.scorer(ctx, config.candidates(), path, "candidates", excludeSeen);
    int numItems = stage.numItems();
    for (Scorer other : new Scorer[] {reference, upstream}) {
      if (other != null && other.numItems() != numItems) {
        throw new IllegalStateException("the scorers of the cascade evaluator at " + path + " rank corpora of "
            + numItems + " and " + other.numItems() + " items");
      }
    }

    InteractionLog target = ctx.target();
    int queryBound = QueryItems.queryBound(target);
    float[] keep = target.hasLabel(LabelRule.POSITIVE) ? target.label(LabelRule.POSITIVE) : null;
    long[] evaluated = EvalSupport.queriesWithTargets(QueryItems.sortedDistinct(target, keep, queryBound));
    int[][] seen = EvalSupport.seen(ctx, excludeSeen, queryBound);
    int n = evaluated.length;

    Metrics metrics = new Metrics(config, numItems, n);
    int width = config.corpusCandidates() ? numItems : config.candidateSize();
    int[] cand = new int[width];
    double[] s = new double[width];
    double[] y = new double[width];
    CorpusRanking stageRows = new CorpusRanking(stage, seen, 1, config.itemBlock(), ctx.manager());
    CorpusRanking referenceRows = reference == null ? null
        : new CorpusRanking(reference, seen, 1, config.itemBlock(), ctx.manager());
    CorpusRanking upstreamTop = upstream == null ? null
        : new CorpusRanking(upstream, seen, config.candidateSize(), config.itemBlock(), ctx.manager());
    for (int qFrom = 0; qFrom < n; qFrom += config.queryBlock()) {
      int rows = Math.min(config.queryBlock(), n - qFrom);
      long[] qids = Arrays.copyOfRange(evaluated, qFrom, qFrom + rows);
      if (upstreamTop == null) {
        float[][] sRows = stageRows.rows(qids); // [rows][numItems]
        float[][] yRows = referenceRows == null ? null : referenceRows.rows(qids); // [rows][numItems]
        for (int r = 0; r < rows; r++) {
          int q = (int) qids[r];
          int[] seenQ = stageRows.seen(q);
          int size = 0;
          int c = 0;
          for (int item = 0; item < numItems; item++) {
            if (c < seenQ.length && seenQ[c] == item) {
              c++;
              continue;
            }
            cand[size] = item;
            s[size] = sRows[r][item];
            y[size] = yRows == null ? truth.relevance(q, item) : yRows[r][item];
            size++;
          }
          metrics.query(qFrom + r, cand, s, y, size);
        }
      } else {
        int[][] lists = upstreamTop.top(qids);
        int pairs = 0;
        for (int[] l : lists) {
          pairs += l.length;
        }
        long[] pq = new long[pairs];
        long[] pi = new long[pairs];
        int p = 0;
        for (int r = 0; r < rows; r++) {
          for (int item : lists[r]) {
            pq[p] = qids[r];
            pi[p++] = item;
          }
        }
        float[] sp = scorePairs(stage, pq, pi, ctx.manager());
        float[] yp = reference == null ? null : scorePairs(reference, pq, pi, ctx.manager());
        p = 0;
        for (int r = 0; r < rows; r++) {
          int size = lists[r].length;
          for (int j = 0; j < size; j++, p++) {
            cand[j] = lists[r][j];
            s[j] = sp[p];
            y[j] = yp == null ? truth.relevance((int) qids[r], cand[j]) : yp[p];
          }
          metrics.query(qFrom + r, cand, s, y, size);
        }
      }
    }
    Map<String, Double> aggregates = new LinkedHashMap<>();
    metrics.perQuery.forEach((k, v) -> aggregates.put(k, EvalSupport.meanDefined(v)));
    return EvalSupport.prefixed(EvalSupport.scorerPrefix(config.scorer()) + config.keyPrefix(), aggregates,
        metrics.perQuery, evaluated);
  }

  private static float[] scorePairs(Scorer scorer, long[] queries, long[] items, NDManager parent) {
    float[] out;
    try (NDManager block = parent.newSubManager()) {
      out = scorer.scorePairs(queries, items, block); // [pairs]
    }
    if (out.length != queries.length) {
      throw new IllegalStateException("scorer returned " + out.length + " pair scores for " + queries.length + " pairs");
    }
    return out;
  }

  /** The per-query values of one evaluation, and the buffers to compute them. */
  private static final class Metrics {
    final Map<String, double[]> perQuery = new LinkedHashMap<>();
    private final int[] ms;
    private final int[] ks;
    private final boolean recall;
    private final boolean opa;
    private final boolean ndcg;
    private final double[] discount;
    private final TopKHeap stageTop;
    private final TopKHeap referenceTop;
    private final int[] refRank; // refRank[item] = 1-based reference rank, valid when refStamp[item] == stamp
    private final int[] refStamp;
    private int stamp;

    Metrics(CascadeEvaluatorConfig config, int numItems, int n) {
      ms = ConfigChecks.sorted(config.ms());
      ks = ConfigChecks.sorted(config.ks());
      recall = config.metrics().contains("recall");
      opa = config.metrics().contains("opa");
      ndcg = config.metrics().contains("ndcg");
      for (String metric : config.metrics()) {
        switch (metric) {
          case "recall" -> {
            for (int m : ms) {
              for (int k : ks) {
                if (m >= k) {
                  perQuery.put("recall@" + m + "@" + k, new double[n]);
                }
              }
            }
          }
          case "opa" -> perQuery.put("opa", new double[n]);
          case "ndcg" -> {
            for (int k : ks) {
              perQuery.put("ndcg@" + k, new double[n]);
            }
          }
          default -> throw new IllegalStateException("metric " + metric);
        }
      }
      int maxM = ms[ms.length - 1];
      int maxK = ks[ks.length - 1];
      discount = EvalSupport.discounts(Math.max(maxM, maxK));
      stageTop = new TopKHeap(1, Math.max(maxM, maxK));
      referenceTop = new TopKHeap(1, maxK);
      refRank = new int[numItems];
      refStamp = new int[numItems];
    }

    /** Scores one query: {@code size} candidates {@code cand}, stage values {@code s}, reference values {@code y}. */
    void query(int index, int[] cand, double[] s, double[] y, int size) {
      for (int j = 0; j < size; j++) {
        stageTop.offer(0, s[j], cand[j]);
        referenceTop.offer(0, y[j], cand[j]);
      }
      int[] stageList = stageTop.drainSorted(0);
      int[] refList = referenceTop.drainSorted(0);
      stamp++;
      for (int r = 0; r < refList.length; r++) {
        refRank[refList[r]] = r + 1;
        refStamp[refList[r]] = stamp;
      }
      for (int k : ks) {
        int kk = Math.min(k, size);
        if (recall) {
          for (int m : ms) {
            if (m < k) {
              continue;
            }
            int kept = 0;
            for (int j = 0; j < Math.min(m, stageList.length); j++) {
              int item = stageList[j];
              kept += refStamp[item] == stamp && refRank[item] <= k ? 1 : 0;
            }
            perQuery.get("recall@" + m + "@" + k)[index] = kk == 0 ? Double.NaN : (double) kept / kk;
          }
        }
        if (ndcg) {
          double dcg = 0;
          double idcg = 0;
          for (int j = 0; j < kk; j++) {
            int item = stageList[j];
            if (refStamp[item] == stamp && refRank[item] <= k) {
              dcg += (k + 1 - refRank[item]) * discount[j];
            }
            idcg += (k - j) * discount[j];
          }
          perQuery.get("ndcg@" + k)[index] = kk == 0 ? Double.NaN : dcg / idcg;
        }
      }
      if (opa) {
        perQuery.get("opa")[index] = OrderedPairs.count(y, s, size).accuracy();
      }
    }
  }
}

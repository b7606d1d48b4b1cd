package org.towerlab.evaluators.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;
import org.towerlab.evaluators.CascadeEvaluator;
import org.towerlab.evaluators.CascadeEvaluatorConfig;
import org.towerlab.evaluators.TruthEvaluator;
import org.towerlab.evaluators.TruthEvaluatorConfig;

/**
 * Benchmark, not a test: times the {@code truth} and {@code cascade} evaluators on random
 * dot-product stages (retriever, pre-ranker, ranker) and a random latent ground truth, and prints
 * seconds and peak memory per configuration.
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp CP org.towerlab.evaluators.bench.CascadeBench \
 *     [queries=1000] [items=5000] [dim=64] [latent=16] [seed=1]
 * </pre>
 */
public final class CascadeBench {
  private CascadeBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    int numQueries = Integer.parseInt(opts.getOrDefault("queries", "1000"));
    int numItems = Integer.parseInt(opts.getOrDefault("items", "5000"));
    int dim = Integer.parseInt(opts.getOrDefault("dim", "64"));
    int latent = Integer.parseInt(opts.getOrDefault("latent", "16"));
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(opts.getOrDefault("seed", "1")));
    System.out.printf(Locale.ROOT, "cores=%d maxHeap=%dMB threads=%s, %d queries x %d items%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("ai.djl.pytorch.num_threads", "default"), numQueries, numItems);

    float[] userLatent = ScoringBench.gaussian(rnd, numQueries * latent);
    float[] itemLatent = ScoringBench.gaussian(rnd, numItems * latent);
    GroundTruth truth = new GroundTruth() {
      @Override
      public double relevance(int query, int item) {
        double s = 0;
        for (int d = 0; d < latent; d++) {
          s += userLatent[query * latent + d] * itemLatent[item * latent + d];
        }
        return 1 / (1 + Math.exp(-s));
      }

      @Override
      public double exposurePropensity(int query, int item) {
        return 1.0 / numItems;
      }
    };
    Split plain = ScoringBench.syntheticSplit(numQueries, numItems, rnd);
    Dataset d = plain.dataset();
    Split split = new Split(plain.protocol(), plain.settings(), new Dataset(d.name(), d.queryKind(), d.schema(),
        d.queryFeatures(), d.itemFeatures(), d.log(), null, null, truth), plain.train(), plain.valid(), plain.test(),
        null);

    try (NDManager root = NDManager.newBaseManager();
        Scorer retriever = stage(root, rnd, numQueries, numItems, dim);
        Scorer preRanker = stage(root, rnd, numQueries, numItems, dim);
        Scorer ranker = stage(root, rnd, numQueries, numItems, dim)) {
      Map<String, Scorer> stages = Map.of("retriever", retriever, "pre-ranker", preRanker, "ranker", ranker);
      time("truth, ks [10, 20, 50]", new TruthEvaluator(new TruthEvaluatorConfig(null, null, null, null, null, null)),
          split, preRanker, stages, root);
      time("cascade pre-ranker vs ranker over the corpus, ms [10, 50, 100], ks [10]",
          new CascadeEvaluator(config("ranker", null, null)), split, preRanker, stages, root);
      time("cascade pre-ranker vs truth over the corpus",
          new CascadeEvaluator(config("truth", null, null)), split, preRanker, stages, root);
      time("cascade pre-ranker vs ranker in retriever top-500",
          new CascadeEvaluator(config("ranker", "retriever", 500)), split, preRanker, stages, root);
    }
  }

  private static CascadeEvaluatorConfig config(String reference, String candidates, Integer m) {
    return new CascadeEvaluatorConfig("pre-ranker", reference, candidates, m, null, null, null, null, null, null);
  }

  private static Scorer stage(NDManager root, SplittableRandom rnd, int numQueries, int numItems, int dim) {
    return new ScoringBench.DotScorer(root, ScoringBench.gaussian(rnd, numQueries * dim),
        ScoringBench.gaussian(rnd, numItems * dim), numItems, dim);
  }

  private static void time(String label, Evaluator evaluator, Split split, Scorer system, Map<String, Scorer> stages,
      NDManager root) throws IOException {
    ScoringBench.resetPeaks();
    long t0 = System.nanoTime();
    Evaluation e;
    try (NDManager m = root.newSubManager()) {
      e = evaluator.evaluate(new EvalContext(split, "test", split.test(), split.train(), system, stages, m));
    }
    double sec = (System.nanoTime() - t0) / 1e9;
    String first = e.metrics().keySet().iterator().next();
    System.out.printf(Locale.ROOT, "%s: %.2f s, %d queries; %s = %.4f%n", label, sec, e.queries().length, first,
        e.metrics().get(first));
    ScoringBench.printPeaks(label);
  }
}

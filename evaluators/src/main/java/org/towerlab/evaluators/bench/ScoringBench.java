package org.towerlab.evaluators.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Scorer;
import org.towerlab.evaluators.TopKEvaluator;
import org.towerlab.evaluators.TopKEvaluatorConfig;

/**
 * Benchmark, not a test: measures the machine's float32 matmul throughput through DJL, then
 * full-corpus scoring and top-K of random embeddings through a dot-product {@link Scorer} in
 * blocks, and prints GFLOP/s (2 Q M D / seconds) and peak memory.
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp CP org.towerlab.evaluators.bench.ScoringBench \
 *     [queries=10000] [items=100000] [dim=64] [query-block=512] [item-block=0] [seed=1]
 * </pre>
 */
public final class ScoringBench {
  private ScoringBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    int numQueries = Integer.parseInt(opts.getOrDefault("queries", "10000"));
    int numItems = Integer.parseInt(opts.getOrDefault("items", "100000"));
    int dim = Integer.parseInt(opts.getOrDefault("dim", "64"));
    int queryBlock = Integer.parseInt(opts.getOrDefault("query-block", "512"));
    int itemBlock = Integer.parseInt(opts.getOrDefault("item-block", "0"));
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(opts.getOrDefault("seed", "1")));
    System.out.printf(Locale.ROOT, "cores=%d maxHeap=%dMB threads=%s%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("ai.djl.pytorch.num_threads", "default"));

    try (NDManager root = NDManager.newBaseManager()) {
      matmulPeak(root, dim, numItems, rnd);

      float[] queryEmb = gaussian(rnd, numQueries * dim);
      try (DotScorer scorer = new DotScorer(root, queryEmb, gaussian(rnd, numItems * dim), numItems, dim)) {
        resetPeaks();
        double flops = 2.0 * numQueries * numItems * dim;
        long t0 = System.nanoTime();
        int ib = itemBlock == 0 ? numItems : itemBlock;
        double checksum = 0;
        for (int q = 0; q < numQueries; q += queryBlock) {
          long[] ids = range(q, Math.min(q + queryBlock, numQueries));
          for (int from = 0; from < numItems; from += ib) {
            try (NDManager block = root.newSubManager()) {
              // what the evaluator does per block: scores on the engine, top candidates copied out
              NDArray s = scorer.scoreBlock(ids, from, Math.min(from + ib, numItems), block); // [B, m]
              float[] top = s.topK(Math.min(51, s.getShape().get(1) > 0 ? (int) s.getShape().get(1) : 1), 1, true, true)
                  .get(0).toFloatArray(); // [B, 51]
              checksum += top[0];
            }
          }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "scoring (matmul + on-engine top-51 per block): %d x %d x %d in blocks %d x %d: %.2f s, %.1f GFLOP/s (checksum %.3f)%n",
            numQueries, numItems, dim, queryBlock, ib, sec, flops / sec / 1e9, checksum);
        printPeaks("scoring");

        Split split = syntheticSplit(numQueries, numItems, rnd);
        resetPeaks();
        t0 = System.nanoTime();
        Evaluation e;
        try (NDManager evalManager = root.newSubManager()) {
          TopKEvaluatorConfig config = new TopKEvaluatorConfig(null, null, queryBlock, itemBlock, null, null);
          e = new TopKEvaluator(config).evaluate(
              new EvalContext(split, "test", split.test(), split.train(), scorer, evalManager));
        }
        sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "end to end (topk evaluator, K=50, seen masked): %.2f s, %.1f GFLOP/s,"
            + " %.0f queries/s; recall@50 = %.4f (random embeddings, chance = %.4f)%n",
            sec, flops / sec / 1e9, numQueries / sec, e.metrics().get("recall@50"), 50.0 / numItems);
        printPeaks("end to end");
      }
    }
  }

  /** Times {@code [2048, dim] x [dim, items]} products on the engine. */
  private static void matmulPeak(NDManager root, int dim, int items, SplittableRandom rnd) {
    int rows = 2048;
    try (NDManager m = root.newSubManager()) {
      NDArray a = m.create(gaussian(rnd, rows * dim), new Shape(rows, dim)); // [2048, D]
      NDArray b = m.create(gaussian(rnd, dim * items), new Shape(dim, items)); // [D, M]
      for (int i = 0; i < 2; i++) {
        try (NDManager step = m.newSubManager()) {
          a.matMul(b).attach(step); // [2048, M], warm-up
        }
      }
      int reps = 10;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        try (NDManager step = m.newSubManager()) {
          a.matMul(b).attach(step); // [2048, M]
        }
      }
      double sec = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "matmul [%d x %d] x [%d x %d] x %d: %.3f s, %.1f GFLOP/s%n",
          rows, dim, dim, items, reps, sec, 2.0 * rows * dim * items * reps / sec / 1e9);
    }
  }

  /** Scores by dot product of a query embedding with item embeddings. */
  static final class DotScorer implements Scorer {
    private final NDManager manager;
    private final float[] queryEmb;
    private final NDArray items; // [M, D]
    private final int numItems;
    private final int dim;
    private float[] itemCopy;

    DotScorer(NDManager parent, float[] queryEmb, float[] itemEmb, int numItems, int dim) {
      this.manager = parent.newSubManager();
      this.queryEmb = queryEmb;
      this.items = org.towerlab.api.nn.Tensors.create(manager, itemEmb, new Shape(numItems, dim)); // [M, D]
      this.numItems = numItems;
      this.dim = dim;
    }

    @Override
    public int numItems() {
      return numItems;
    }

    @Override
    public NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager out) {
      float[] q = new float[queries.length * dim];
      for (int r = 0; r < queries.length; r++) {
        System.arraycopy(queryEmb, (int) queries[r] * dim, q, r * dim, dim);
      }
      NDArray qa = out.create(q, new Shape(queries.length, dim)); // [B, D]
      NDArray block = items;
      if (itemFrom != 0 || itemTo != numItems) {
        block = items.get(new NDIndex("{}:{}", itemFrom, itemTo)); // [m, D]
        block.attach(out);
      }
      return qa.matMul(block.transpose()); // [B, m], on out
    }

    @Override
    public float[] scorePairs(long[] queries, long[] itemIds, NDManager out) {
      if (itemCopy == null) {
        itemCopy = items.toFloatArray(); // [M * D]
      }
      float[] itemEmb = itemCopy;
      float[] scores = new float[queries.length];
      for (int p = 0; p < queries.length; p++) {
        int qo = (int) queries[p] * dim;
        int io = (int) itemIds[p] * dim;
        float sum = 0;
        for (int d = 0; d < dim; d++) {
          sum += queryEmb[qo + d] * itemEmb[io + d];
        }
        scores[p] = sum;
      }
      return scores;
    }

    @Override
    public long flopsPerPair() {
      return 2L * dim;
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  static Split syntheticSplit(int numQueries, int numItems, SplittableRandom rnd) {
    int seenPerQuery = 5;
    int[] tq = new int[numQueries * seenPerQuery];
    int[] ti = new int[tq.length];
    for (int i = 0; i < tq.length; i++) {
      tq[i] = i / seenPerQuery;
      ti[i] = rnd.nextInt(numItems);
    }
    int[] vq = new int[numQueries];
    int[] vi = new int[numQueries];
    for (int q = 0; q < numQueries; q++) {
      vq[q] = q;
      vi[q] = rnd.nextInt(numItems);
    }
    InteractionLog train = new InteractionLog(tq, ti, new long[tq.length], Map.of(), null, null, null);
    InteractionLog test = new InteractionLog(vq, vi, new long[vq.length], Map.of(), null, null, null);
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, numQueries),
        FieldSpec.categorical("id", Side.ITEM, numItems)));
    Dataset ds = new Dataset("bench", QueryKind.USER, schema, FeatureTable.builder(Side.QUERY, numQueries).build(),
        FeatureTable.builder(Side.ITEM, numItems).build(), train, null, null, null);
    return new Split("bench", Map.of(), ds, train, train, test, null);
  }

  static float[] gaussian(SplittableRandom rnd, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      // Box-Muller, one value per pair is enough for a benchmark
      out[i] = (float) (Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble()));
    }
    return out;
  }

  static long[] range(int from, int to) {
    long[] out = new long[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = i;
    }
    return out;
  }

  static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM on Linux
    } catch (IOException | RuntimeException ignored) {
      // not Linux, or not permitted: VmHWM is then the process-lifetime peak
    }
  }

  static void printPeaks(String phase) throws IOException {
    long heapPeak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPeak += pool.getPeakUsage().getUsed();
      }
    }
    String hwm = "n/a";
    Path status = Path.of("/proc/self/status");
    if (Files.exists(status)) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          hwm = line.substring(6).trim();
        }
      }
    }
    System.out.printf(Locale.ROOT, "  %s peak: Java heap %d MB (sum of pool peaks), process RSS high-water %s%n",
        phase, heapPeak >> 20, hwm);
  }
}

package org.towerlab.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.towerlab.api.UserException;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.random.Seeds;
import org.towerlab.evaluators.CorpusRanking;

/**
 * {@code towerlab bench --what spark-scale --spark MASTER}: the corpus-scale scoring job on
 * synthetic embeddings (Gaussian, seeded), by default 1 M queries x 1 M items x 64 dimensions,
 * each query with one target and 10 seen items, top-100 with recall and NDCG at 10 and 100.
 * Reports the job's throughput (query-item pairs per second and GFLOP/s at 2 D FLOPs per pair)
 * against the single-machine evaluator (the same ranking kernel in one thread on the driver,
 * measured on {@code single-queries} queries and extrapolated) and against the engine's matmul rate
 * on one {@code query-block x item-block} block, with the peak resident memory of the executor
 * processes. Sizes: {@code --bench-set queries=N} (also items, dim, k, partitions, query-block,
 * item-block, single-queries, seed).
 */
final class ScaleBench {
  private ScaleBench() {}

  static Map<String, Long> sizes(Map<String, String> options) {
    Map<String, Long> s = new LinkedHashMap<>();
    s.put("queries", 1_000_000L);
    s.put("items", 1_000_000L);
    s.put("dim", 64L);
    s.put("k", 100L);
    s.put("partitions", 0L);
    s.put("query-block", 512L);
    s.put("item-block", 65_536L);
    s.put("single-queries", 1024L);
    s.put("seed", 1L);
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (!s.containsKey(e.getKey())) {
        throw new UserException("Unknown --bench-set key '" + e.getKey() + "' for the spark-scale benchmark. Known: "
            + s.keySet() + ".");
      }
      try {
        long v = Long.parseLong(e.getValue().replace("_", ""));
        if (v < 0 || (v == 0 && !e.getKey().equals("partitions") && !e.getKey().equals("item-block"))) {
          throw new NumberFormatException();
        }
        s.put(e.getKey(), v);
      } catch (NumberFormatException ex) {
        throw new UserException("--bench-set " + e.getKey() + "=" + e.getValue() + " must be a positive integer.");
      }
    }
    if (s.get("items") * s.get("dim") > Integer.MAX_VALUE - 8) {
      throw new UserException("items x dim must fit one Java array (< 2^31 floats), got " + s.get("items") + " x "
          + s.get("dim") + ".");
    }
    return s;
  }

  static void run(SparkSession spark, Map<String, String> options, PrintStream out) {
    Executors.init();
    Map<String, Long> s = sizes(options);
    int nq = Math.toIntExact(s.get("queries"));
    int ni = Math.toIntExact(s.get("items"));
    int dim = Math.toIntExact(s.get("dim"));
    int k = Math.toIntExact(s.get("k"));
    int qb = Math.toIntExact(s.get("query-block"));
    int ib = Math.toIntExact(s.get("item-block"));
    long seed = s.get("seed");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int parts = s.get("partitions") > 0 ? Math.toIntExact(s.get("partitions")) : 2 * jsc.defaultParallelism();

    float[] items = gaussian(new Seeds(seed).stream("bench.items"), ni * dim);
    int chunks = Math.max(parts, (nq + 9_999) / 10_000);
    List<Integer> chunkIds = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      chunkIds.add(c);
    }
    JavaRDD<SparkCorpusEvaluation.QueryRow> queries = jsc.parallelize(chunkIds, parts)
        .flatMap(c -> queryChunk(seed, c, chunks, nq, ni, dim).iterator());
    int[] ks = k >= 100 ? new int[] {10, 100} : new int[] {Math.min(10, k), k};
    SparkCorpusEvaluation.Options o = new SparkCorpusEvaluation.Options(List.of("recall", "ndcg"),
        Arrays.stream(ks).distinct().toArray(), qb, ib, false, false, parts, false);

    long t0 = System.nanoTime();
    SparkCorpusEvaluation.Result r = SparkCorpusEvaluation.evaluate(jsc, items, dim, queries, null, o);
    double seconds = (System.nanoTime() - t0) / 1e9;

    int single = (int) Math.min(s.get("single-queries"), nq);
    double singleSeconds = singleMachine(seed, single, chunks, nq, items, dim, k, qb, ib);
    double singleQps = single / singleSeconds;
    double matmul = matmulGflops(dim, qb, ib == 0 ? ni : Math.min(ib, ni), seed);

    double pairs = (double) r.queries() * ni;
    double gflops = 2.0 * dim * pairs / seconds / 1e9;
    String master = spark.sparkContext().master();
    out.printf(Locale.ROOT, "## Corpus-scale scoring on Spark (%s)%n%n", master);
    out.printf(Locale.ROOT, "%,d queries x %,d items x %d dims, top-%d, %d partitions, query block %d, item block %d,"
        + " engine threads per task %s.%n%n", nq, ni, dim, k, parts, qb, ib, System.getProperty("ai.djl.pytorch.num_threads"));
    out.println("| measure | value |");
    out.println("|---|---:|");
    out.printf(Locale.ROOT, "| job wall time | %.1f s |%n", seconds);
    out.printf(Locale.ROOT, "| queries per second (job) | %,.0f |%n", r.queries() / seconds);
    if (nq < 1_000_000) {
      out.printf(Locale.ROOT, "| job wall time extrapolated to 1,000,000 queries (linear in queries) | %.0f s |%n",
          seconds * 1e6 / nq);
    }
    out.printf(Locale.ROOT, "| pairs per second (job) | %,.3g |%n", pairs / seconds);
    out.printf(Locale.ROOT, "| scoring GFLOP/s (job, 2 D per pair) | %.1f |%n", gflops);
    out.printf(Locale.ROOT, "| single-machine evaluator, 1 thread: queries per second (%,d measured) | %,.0f |%n", single,
        singleQps);
    out.printf(Locale.ROOT, "| single-machine evaluator, 1 thread: GFLOP/s | %.1f |%n", 2.0 * dim * ni * singleQps / 1e9);
    out.printf(Locale.ROOT, "| job / single-machine throughput | %.2fx |%n", (r.queries() / seconds) / singleQps);
    out.printf(Locale.ROOT, "| engine matmul GFLOP/s, one %d x %d x %d block, 1 thread | %.1f |%n", qb, dim,
        ib == 0 ? ni : Math.min(ib, ni), matmul);
    out.printf(Locale.ROOT, "| job GFLOP/s / matmul GFLOP/s | %.2f |%n", gflops / matmul);
    out.printf(Locale.ROOT, "| peak RSS of an executor process (VmHWM) | %,d MiB |%n", r.peakRssBytes() >> 20);
    out.printf(Locale.ROOT, "| recall@%d (sanity: random vectors give about %d / items) | %.5f |%n", ks[ks.length - 1],
        ks[ks.length - 1], r.metrics().get("recall@" + ks[ks.length - 1]));
    out.println();
    out.printf(Locale.ROOT, "Command: towerlab bench --what spark-scale --spark '%s'%s%n", master, options.isEmpty() ? ""
        : " " + String.join(" ", options.entrySet().stream().map(e -> "--bench-set " + e.getKey() + "=" + e.getValue())
            .toList()));
    if (master.startsWith("local")) {
      out.println("In local mode the executors are threads of the driver JVM: the peak RSS is the whole process's.");
    }
  }

  static float[] gaussian(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }

  /** Queries {@code [c * nq / chunks, (c + 1) * nq / chunks)}: a Gaussian vector, one target, 10 seen items. */
  static List<SparkCorpusEvaluation.QueryRow> queryChunk(long seed, int c, int chunks, int nq, int ni, int dim) {
    int from = (int) ((long) c * nq / chunks);
    int to = (int) ((long) (c + 1) * nq / chunks);
    SplittableRandom rng = new Seeds(seed).stream("bench.queries." + c);
    List<SparkCorpusEvaluation.QueryRow> rows = new ArrayList<>(to - from);
    for (int q = from; q < to; q++) {
      float[] v = gaussian(rng, dim);
      int target = rng.nextInt(ni);
      int[] seen = rng.ints(Math.min(10, ni), 0, ni).distinct().sorted().toArray();
      rows.add(new SparkCorpusEvaluation.QueryRow(q, v, new int[] {target}, seen));
    }
    return rows;
  }

  /** Seconds for the single-machine kernel (one thread, this JVM) to rank the first {@code n} queries. */
  private static double singleMachine(long seed, int n, int chunks, int nq, float[] items, int dim, int k, int qb,
      int ib) {
    List<SparkCorpusEvaluation.QueryRow> rows = new ArrayList<>();
    for (int c = 0; rows.size() < n && c < chunks; c++) {
      rows.addAll(queryChunk(seed, c, chunks, nq, items.length / dim, dim));
    }
    rows = rows.subList(0, n);
    float[] q = new float[n * dim];
    int[][] seen = new int[n][];
    for (int r = 0; r < n; r++) {
      System.arraycopy(rows.get(r).vector(), 0, q, r * dim, dim);
      seen[r] = rows.get(r).seen();
    }
    try (NDManager m = NDManager.newBaseManager(); EmbeddingScorer scorer = new EmbeddingScorer(items, q, dim, false, m)) {
      CorpusRanking ranking = new CorpusRanking(scorer, seen, k, ib, m);
      long t0 = System.nanoTime();
      for (int from = 0; from < n; from += qb) {
        int len = Math.min(qb, n - from);
        long[] ids = new long[len];
        for (int r = 0; r < len; r++) {
          ids[r] = from + r;
        }
        ranking.top(ids);
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** The engine's matmul rate on one {@code [qb, dim] x [dim, width]} block (best of 5 after a warm-up). */
  private static double matmulGflops(int dim, int qb, int width, long seed) {
    SplittableRandom rng = new Seeds(seed).stream("bench.matmul");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Tensors.create(m, gaussian(rng, qb * dim), new Shape(qb, dim));
      NDArray b = Tensors.create(m, gaussian(rng, dim * width), new Shape(dim, width));
      double best = Double.MAX_VALUE;
      for (int rep = 0; rep < 6; rep++) {
        try (NDManager sub = m.newSubManager()) {
          long t0 = System.nanoTime();
          NDArray c = a.matMul(b);
          c.attach(sub);
          c.toFloatArray();
          double t = (System.nanoTime() - t0) / 1e9;
          if (rep > 0) {
            best = Math.min(best, t);
          }
        }
      }
      return 2.0 * qb * dim * width / best / 1e9;
    }
  }
}

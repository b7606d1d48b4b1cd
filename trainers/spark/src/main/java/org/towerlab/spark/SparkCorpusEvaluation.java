package org.towerlab.spark;

import ai.djl.ndarray.NDManager;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.towerlab.evaluators.CorpusRanking;
import org.towerlab.evaluators.TopKScoring;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.trainers.TrainedRun;
import scala.Tuple2;

/**
 * Full-corpus top-K evaluation as a Spark job, for query and item sets that outgrow one machine.
 *
 * <p>The item matrix {@code [M, D]} (and the training counts of the popularity metric) is
 * broadcast; the queries are an RDD of {@link QueryRow}s (vector, targets, seen items). The queries
 * with targets are ordered by id and cut into partitions of whole query blocks; each task builds an
 * {@link EmbeddingScorer} over its queries and the whole item matrix and ranks block by block with
 * {@link CorpusRanking} ({@code query-block} queries against {@code item-block} items at a time,
 * a running top-K per query, the query's seen items masked), then scores every list with
 * {@link TopKScoring}: the code of the single-machine {@code topk} evaluator. Sums of the
 * per-query metrics and the covered-item sets are reduced across partitions.
 *
 * <p>Equality with {@code TopKEvaluator} over the same {@link EmbeddingScorer}: the blocks are the
 * same rows (partitions hold whole blocks of the same ordered query list), so the scores, the
 * rankings (ties broken by lower item id) and the per-query metrics are identical. The means are
 * sums reduced in another order, equal to within a few ulps (1e-12 checked in the tests).
 */
public final class SparkCorpusEvaluation {
  /** At most one progress line per this many milliseconds (see {@link QueryProgress}). */
  static final long PROGRESS_INTERVAL_MS = 30_000;

  private SparkCorpusEvaluation() {}

  /**
   * One query: its embedding, its sorted distinct target items (none: not evaluated) and its
   * sorted distinct seen items (masked from its ranking).
   */
  public record QueryRow(long query, float[] vector, int[] targets, int[] seen) implements Serializable {}

  /**
   * @param metrics recall, ndcg, hit, precision, mrr (as the topk evaluator)
   * @param ks the cut-offs, ascending
   * @param extras coverage@K and avg-popularity@K (needs training counts)
   * @param cosine score cosines instead of dot products
   * @param partitions the number of query partitions (tasks)
   * @param perQuery also return every query's list and metrics (for tests and small runs)
   */
  public record Options(List<String> metrics, int[] ks, int queryBlock, int itemBlock, boolean extras,
      boolean cosine, int partitions, boolean perQuery) implements Serializable {
    public Options {
      metrics = List.copyOf(metrics);
      ks = ks.clone();
      Arrays.sort(ks);
      if (queryBlock <= 0 || itemBlock < 0 || partitions <= 0 || ks.length == 0 || ks[0] <= 0) {
        throw new IllegalArgumentException("query-block " + queryBlock + ", item-block " + itemBlock + ", partitions "
            + partitions + ", ks " + Arrays.toString(ks) + ": need positive values (item-block 0 = whole corpus)");
      }
    }
  }

  /** One query's ranked list and metric values (in the order of {@link Result#keys()}). */
  public record QueryResult(long query, int[] list, double[] values) implements Serializable {}

  /**
   * @param metrics the means over the evaluated queries (and coverage@K)
   * @param queries the number of evaluated queries
   * @param keys the per-query metric keys
   * @param perQuery every query's result, ordered by query id (empty unless asked for)
   * @param peakRssBytes the largest peak resident set ({@code VmHWM}) an executor process reported
   *     at the end of one of its tasks (0 where {@code /proc} is missing)
   */
  public record Result(Map<String, Double> metrics, long queries, List<String> keys, List<QueryResult> perQuery,
      long peakRssBytes) {}

  /** What one partition sends back. */
  record Partial(long count, double[] sums, long[][] covered, List<QueryResult> rows, long peakRss)
      implements Serializable {}

  /**
   * Runs the job.
   *
   * @param items row-major {@code [numItems, dim]}
   * @param trainCounts training interactions per item, or null without extras
   */
  public static Result evaluate(JavaSparkContext jsc, float[] items, int dim, JavaRDD<QueryRow> queries,
      int[] trainCounts, Options options) {
    Broadcast<float[]> itemsB = jsc.broadcast(items);
    boolean cosine = options.cosine();
    try {
      return run(jsc, items.length / dim, queries, trainCounts, options, (rows, manager) -> {
        float[] q = new float[rows.size() * dim];
        for (int r = 0; r < rows.size(); r++) {
          System.arraycopy(rows.get(r).vector(), 0, q, r * dim, dim);
        }
        return new EmbeddingScorer(itemsB.value(), q, dim, cosine, manager);
      });
    } finally {
      itemsB.unpersist();
    }
  }

  /**
   * Runs the job with the embeddings computed on the executors from a finished run's checkpoint:
   * each executor JVM loads the run once ({@link TrainedRun}: its effective config bound through the
   * registry, its data and {@code split.csv.gz}, the weights of {@code checkpoints/best.ckpt}) and
   * encodes the item corpus once; each task encodes its own query blocks with the query tower and
   * scores them with the run's interaction ({@code scoreAll}, as the run's {@code topk} evaluator
   * did). The query rows carry no vectors ({@link #rows(Split, String)}). {@code runDir} must be a
   * path every executor can read (a shared mount), and so must the run's data.
   *
   * <p>Only runs whose item side is precomputable qualify; others are refused on the driver with a
   * {@link org.towerlab.api.UserException} naming the interaction.
   */
  public static Result evaluateRun(JavaSparkContext jsc, String runDir, JavaRDD<QueryRow> queries, int[] trainCounts,
      Options options) {
    int numItems = Executors.trainedRun(runDir).split().dataset().numItems();
    return run(jsc, numItems, queries, trainCounts, options, (rows, manager) -> {
      long[] global = rows.stream().mapToLong(QueryRow::query).toArray();
      return new GlobalIds(Executors.trainedRun(runDir).scorer(), global);
    });
  }

  /** What a task scores its queries with: row {@code r} of its sorted rows is query id {@code r} of the scorer. */
  interface PartitionScorer extends Serializable {
    Scorer open(List<QueryRow> rows, NDManager manager);
  }

  /** A scorer whose query {@code r} is query {@code ids[r]} of {@code inner}. */
  private record GlobalIds(Scorer inner, long[] ids) implements Scorer {
    @Override
    public int numItems() {
      return inner.numItems();
    }

    private long[] map(long[] local) {
      long[] out = new long[local.length];
      for (int i = 0; i < local.length; i++) {
        out[i] = ids[(int) local[i]];
      }
      return out;
    }

    @Override
    public ai.djl.ndarray.NDArray scoreBlock(long[] queryIds, int itemFrom, int itemTo, NDManager manager) {
      return inner.scoreBlock(map(queryIds), itemFrom, itemTo, manager);
    }

    @Override
    public float[] scorePairs(long[] queryIds, long[] itemIds, NDManager manager) {
      return inner.scorePairs(map(queryIds), itemIds, manager);
    }

    @Override
    public long flopsPerPair() {
      return inner.flopsPerPair();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static Result run(JavaSparkContext jsc, int numItems, JavaRDD<QueryRow> queries, int[] trainCounts,
      Options options, PartitionScorer scorer) {
    List<String> keys = keys(options);
    Broadcast<int[]> countsB = jsc.broadcast(options.extras() ? trainCounts : null);
    JavaRDD<QueryRow> evaluated = queries.filter(r -> r.targets().length > 0);
    long n = evaluated.count();
    if (n == 0) {
      return new Result(Map.of(), 0, keys, List.of(), 0);
    }
    // the tasks count the queries they have ranked; QueryProgress prints a line at most every 30 s
    org.apache.spark.util.LongAccumulator ranked = jsc.sc().longAccumulator("towerlab.queries-ranked");
    QueryProgress progress = new QueryProgress(ranked.id(), n, System.err, PROGRESS_INTERVAL_MS);
    jsc.sc().addSparkListener(progress);
    long blocks = (n + options.queryBlock() - 1) / options.queryBlock();
    int parts = (int) Math.min(options.partitions(), blocks);
    long blocksPerPart = (blocks + parts - 1) / parts;
    long rowsPerPart = blocksPerPart * options.queryBlock();
    int usedParts = (int) ((n + rowsPerPart - 1) / rowsPerPart);
    List<Partial> partials;
    try {
      partials = evaluated
          .sortBy(QueryRow::query, true, usedParts)
          .zipWithIndex()
          .mapToPair(t -> new Tuple2<>(t._2() / rowsPerPart, t._1()))
          .partitionBy(new ByIndex(usedParts))
          .values()
          .mapPartitions(rows -> evaluatePartition(rows, numItems, scorer, countsB.value(), options, keys, ranked))
          .collect();
    } finally {
      jsc.sc().removeSparkListener(progress);
    }
    countsB.unpersist();

    double[] sums = new double[keys.size()];
    long count = 0;
    BitSet[] covered = new BitSet[options.ks().length];
    for (int i = 0; i < covered.length; i++) {
      covered[i] = new BitSet(numItems);
    }
    List<QueryResult> rows = new ArrayList<>();
    long peak = 0;
    for (Partial p : partials) {
      count += p.count();
      for (int j = 0; j < sums.length; j++) {
        sums[j] += p.sums()[j];
      }
      if (p.covered() != null) {
        for (int i = 0; i < covered.length; i++) {
          covered[i].or(BitSet.valueOf(p.covered()[i]));
        }
      }
      rows.addAll(p.rows());
      peak = Math.max(peak, p.peakRss());
    }
    rows.sort(Comparator.comparingLong(QueryResult::query));
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int j = 0; j < keys.size(); j++) {
      metrics.put(keys.get(j), sums[j] / count);
    }
    if (options.extras()) {
      for (int i = 0; i < options.ks().length; i++) {
        metrics.put("coverage@" + options.ks()[i], numItems == 0 ? Double.NaN : (double) covered[i].cardinality() / numItems);
      }
    }
    return new Result(metrics, count, keys, rows, peak);
  }

  /**
   * The query rows of a split's {@code part} ({@code valid} or {@code test}) as the single-machine
   * evaluation sees them: targets are the part's positive rows' items, seen items those of train
   * (plus valid when testing), both sorted and distinct, and row {@code q} of {@code queries} is
   * query {@code q}'s embedding. For splits that fit the driver; at scale the rows are built by a
   * Spark job from the same columns.
   */
  public static List<QueryRow> rows(org.towerlab.api.data.Split split, String part, float[] queries, int dim) {
    int nq = queries.length / dim;
    int[][][] ts = targetsAndSeen(split, part, nq);
    int[][] t = ts[0];
    int[][] s = ts[1];
    List<QueryRow> rows = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      rows.add(new QueryRow(q, Arrays.copyOfRange(queries, q * dim, (q + 1) * dim), t[q], s[q]));
    }
    return rows;
  }

  /**
   * The query rows of a split's {@code part} without vectors, for {@link #evaluateRun} (the
   * executors compute them): targets and seen items as {@link #rows(Split, String, float[], int)}.
   */
  public static List<QueryRow> rows(Split split, String part) {
    List<QueryRow> rows = new ArrayList<>();
    int nq = split.dataset().numQueries();
    int[][][] ts = targetsAndSeen(split, part, nq);
    for (int q = 0; q < nq; q++) {
      rows.add(new QueryRow(q, new float[0], ts[0][q], ts[1][q]));
    }
    return rows;
  }

  private static int[][][] targetsAndSeen(Split split, String part, int nq) {
    org.towerlab.api.data.InteractionLog target = split.part(part);
    org.towerlab.api.data.InteractionLog seen = "test".equals(part)
        ? org.towerlab.trainers.Evaluations.concat(split.train(), split.valid()) : split.train();
    return new int[][][] {byQuery(target, nq, true), byQuery(seen, nq, false)};
  }

  /** Sorted distinct items per query of {@code log}'s rows (with {@code positives}: rows labelled {@code positive} = 0 skipped). */
  private static int[][] byQuery(org.towerlab.api.data.InteractionLog log, int nq, boolean positives) {
    java.util.List<java.util.TreeSet<Integer>> sets = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      sets.add(new java.util.TreeSet<>());
    }
    float[] keep = positives && log.hasLabel("positive") ? log.label("positive") : null;
    for (int r = 0; r < log.size(); r++) {
      if (keep == null || keep[r] > 0f) {
        sets.get(log.queries()[r]).add(log.items()[r]);
      }
    }
    int[][] out = new int[nq][];
    for (int q = 0; q < nq; q++) {
      out[q] = sets.get(q).stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** The per-query keys in the topk evaluator's order: every metric at every K, then avg-popularity@K. */
  static List<String> keys(Options o) {
    List<String> keys = new ArrayList<>();
    for (String m : o.metrics()) {
      for (int k : o.ks()) {
        keys.add(m + "@" + k);
      }
    }
    if (o.extras()) {
      for (int k : o.ks()) {
        keys.add("avg-popularity@" + k);
      }
    }
    return keys;
  }

  private static Iterator<Partial> evaluatePartition(Iterator<QueryRow> it, int numItems, PartitionScorer source,
      int[] counts, Options o, List<String> keys, org.apache.spark.util.LongAccumulator ranked) {
    Executors.taskThread();
    List<QueryRow> rows = new ArrayList<>();
    it.forEachRemaining(rows::add);
    if (rows.isEmpty()) {
      return List.<Partial>of().iterator();
    }
    rows.sort(Comparator.comparingLong(QueryRow::query));
    int n = rows.size();
    int[][] seen = new int[n][];
    for (int r = 0; r < n; r++) {
      seen[r] = rows.get(r).seen();
    }
    int[] ks = o.ks();
    int maxK = ks[ks.length - 1];
    Map<String, double[]> perQuery = new LinkedHashMap<>();
    for (String k : keys) {
      perQuery.put(k, new double[n]);
    }
    boolean[][] covered = o.extras() ? new boolean[ks.length][numItems] : null;
    double[] discount = TopKScoring.discounts(maxK);
    double[] ideal = TopKScoring.idealPrefix(discount);
    List<QueryResult> out = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager(); Scorer scorer = source.open(rows, manager)) {
      CorpusRanking ranking = new CorpusRanking(scorer, seen, maxK, o.itemBlock(), manager);
      for (int from = 0; from < n; from += o.queryBlock()) {
        int len = Math.min(o.queryBlock(), n - from);
        long[] local = new long[len];
        for (int r = 0; r < len; r++) {
          local[r] = from + r;
        }
        int[][] lists = ranking.top(local);
        ranked.add(len);
        for (int r = 0; r < len; r++) {
          TopKScoring.score(o.metrics(), from + r, lists[r], rows.get(from + r).targets(), ks, discount, ideal, perQuery,
              counts, covered);
          if (o.perQuery()) {
            double[] v = new double[keys.size()];
            for (int j = 0; j < v.length; j++) {
              v[j] = perQuery.get(keys.get(j))[from + r];
            }
            out.add(new QueryResult(rows.get(from + r).query(), lists[r], v));
          }
        }
      }
    }
    double[] sums = new double[keys.size()];
    for (int j = 0; j < sums.length; j++) {
      for (double v : perQuery.get(keys.get(j))) {
        sums[j] += v;
      }
    }
    long[][] cov = null;
    if (covered != null) {
      cov = new long[ks.length][];
      for (int i = 0; i < ks.length; i++) {
        BitSet b = new BitSet(covered[i].length);
        for (int j = 0; j < covered[i].length; j++) {
          if (covered[i][j]) {
            b.set(j);
          }
        }
        cov[i] = b.toLongArray();
      }
    }
    return List.of(new Partial(n, sums, cov, out, Memory.peakRss())).iterator();
  }

  /** Sends key {@code p} to partition {@code p}. */
  static final class ByIndex extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    ByIndex(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (int) (long) (Long) key;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ByIndex b && b.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }
}

package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;

/** Steps shared by the protocols: label choice, positives, k-core, grouping and assembling a Split. */
final class ProtocolSupport {
  static final String POSITIVE = "positive";

  private ProtocolSupport() {}

  /** The configured label, else {@code rating} if present, else {@code click}, else null (implicit). */
  static String label(InteractionLog log, String configured, String protocol) {
    if (configured != null) {
      if (!log.hasLabel(configured)) {
        throw new UserException("Protocol '" + protocol + "' option label: '" + configured + "' is not a label of"
            + " this data set, which has " + log.labelNames() + ". Set data.protocol.label to one of them.");
      }
      return configured;
    }
    if (log.hasLabel("rating")) {
      return "rating";
    }
    return log.hasLabel("click") ? "click" : null;
  }

  /**
   * 1 for a positive row, 0 otherwise: every row when there is no label; {@code label >= minRating}
   * when min-rating is set; else {@code label > 0} (so every rating is a positive). A row that was
   * never shown ({@code exposed = false}) is never a positive: it has no feedback.
   */
  static float[] positives(InteractionLog log, String label, Double minRating) {
    float[] out = new float[log.size()];
    if (label == null) {
      Arrays.fill(out, 1f);
    } else {
      float[] v = log.label(label);
      for (int r = 0; r < out.length; r++) {
        boolean p = minRating != null ? v[r] >= minRating : v[r] > 0;
        out[r] = p ? 1f : 0f;
      }
    }
    boolean[] shown = log.exposed();
    if (shown != null) {
      for (int r = 0; r < out.length; r++) {
        if (!shown[r]) {
          out[r] = 0f;
        }
      }
    }
    return out;
  }

  /** Rows that were shown and are positives, after k-core filtering (the retrieval protocols' input). */
  static int[] positiveRows(Dataset data, float[] positive, int kCore) {
    boolean[] keep = shown(data.log());
    for (int r = 0; r < keep.length; r++) {
      keep[r] &= positive[r] > 0;
    }
    return kCore(data, rows(keep), positive, kCore);
  }

  /** Rows that were shown (all rows when the log has no exposure column). */
  static boolean[] shown(InteractionLog log) {
    boolean[] out = new boolean[log.size()];
    if (log.exposed() == null) {
      Arrays.fill(out, true);
    } else {
      System.arraycopy(log.exposed(), 0, out, 0, out.length);
    }
    return out;
  }

  /** The rows with {@code keep[r]}. */
  static int[] rows(boolean[] keep) {
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    int[] out = new int[n];
    int j = 0;
    for (int r = 0; r < keep.length; r++) {
      if (keep[r]) {
        out[j++] = r;
      }
    }
    return out;
  }

  /**
   * Iteratively drops every row of users and items with fewer than {@code k} positives among the
   * remaining rows, until every remaining user and item has at least {@code k}.
   */
  static int[] kCore(Dataset data, int[] rows, float[] positive, int k) {
    if (k <= 1) {
      return rows;
    }
    InteractionLog log = data.log();
    boolean[] userDead = new boolean[data.numQueries()];
    boolean[] itemDead = new boolean[data.numItems()];
    int[] cur = rows;
    while (true) {
      int[] uc = new int[userDead.length];
      int[] ic = new int[itemDead.length];
      for (int r : cur) {
        if (positive[r] > 0) {
          uc[log.queries()[r]]++;
          ic[log.items()[r]]++;
        }
      }
      boolean changed = false;
      for (int r : cur) {
        int u = log.queries()[r];
        int i = log.items()[r];
        if (uc[u] < k && !userDead[u]) {
          userDead[u] = true;
          changed = true;
        }
        if (ic[i] < k && !itemDead[i]) {
          itemDead[i] = true;
          changed = true;
        }
      }
      if (!changed) {
        return cur;
      }
      int n = 0;
      int[] next = new int[cur.length];
      for (int r : cur) {
        if (!userDead[log.queries()[r]] && !itemDead[log.items()[r]]) {
          next[n++] = r;
        }
      }
      cur = Arrays.copyOf(next, n);
    }
  }

  /** {@code rows} grouped by query, each group in row order; groups indexed by query id. */
  static int[][] byQuery(InteractionLog log, int[] rows, int numQueries) {
    int[] count = new int[numQueries];
    for (int r : rows) {
      count[log.queries()[r]]++;
    }
    int[][] out = new int[numQueries][];
    for (int q = 0; q < numQueries; q++) {
      out[q] = new int[count[q]];
    }
    int[] fill = new int[numQueries];
    for (int r : rows) {
      int q = log.queries()[r];
      out[q][fill[q]++] = r;
    }
    return out;
  }

  /** Sorts {@code rows} in place by timestamp, ties by row index. */
  static void sortByTime(InteractionLog log, int[] rows) {
    long[] ts = log.timestamps();
    Arrays.sort(rows);
    int n = rows.length;
    if (n < 2) {
      return;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int r : rows) {
      min = Math.min(min, ts[r]);
      max = Math.max(max, ts[r]);
    }
    if (max - min >= 0 && max - min < Long.MAX_VALUE / n - 1) {
      long[] keys = new long[n];
      for (int k = 0; k < n; k++) {
        keys[k] = (ts[rows[k]] - min) * n + k;
      }
      Arrays.sort(keys);
      int[] copy = rows.clone();
      for (int k = 0; k < n; k++) {
        rows[k] = copy[(int) (keys[k] % n)];
      }
      return;
    }
    Integer[] boxed = Arrays.stream(rows).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, (a, b) -> ts[a] != ts[b] ? Long.compare(ts[a], ts[b]) : Integer.compare(a, b));
    for (int k = 0; k < n; k++) {
      rows[k] = boxed[k];
    }
  }

  static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * RecBole's per-group split counts: {@code floor(ratio * n)} for valid and test, the rest to
   * train, and a part whose share is below one row gets one row as long as train keeps more than
   * one. A group of one or two rows therefore stays (mostly) in train.
   */
  static int[] splitCounts(int n, double[] ratios) {
    int parts = ratios.length;
    int[] cnt = new int[parts];
    int rest = 0;
    for (int p = 1; p < parts; p++) {
      cnt[p] = (int) (ratios[p] * n);
      rest += cnt[p];
    }
    cnt[0] = n - rest;
    for (int k = 1; k < parts; k++) {
      if (cnt[0] <= 1) {
        break;
      }
      double share = ratios[parts - k] * n;
      if (share > 0 && share < 1) {
        cnt[parts - k]++;
        cnt[0]--;
      }
    }
    return cnt;
  }

  /** Validates and normalizes a ratio list. */
  static List<Double> ratios(List<Double> ratios, int parts, String key) {
    if (ratios == null) {
      return null;
    }
    if (ratios.size() != parts) {
      throw new IllegalArgumentException(key + " needs " + parts + " numbers, got " + ratios);
    }
    double sum = 0;
    for (Double r : ratios) {
      if (r == null || !(r >= 0) || !Double.isFinite(r)) {
        throw new IllegalArgumentException(key + " must be non-negative numbers, got " + ratios);
      }
      sum += r;
    }
    if (!(ratios.get(0) > 0)) {
      throw new IllegalArgumentException(key + " must give train a positive share, got " + ratios);
    }
    double s = sum;
    return ratios.stream().map(r -> r / s).toList();
  }

  static double[] array(List<Double> ratios) {
    return ratios.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static void checkCommon(Double minRating, Integer kCore) {
    if (minRating != null && !Double.isFinite(minRating)) {
      throw new IllegalArgumentException("min-rating must be a finite number, got " + minRating);
    }
    if (kCore != null && kCore < 0) {
      throw new IllegalArgumentException("k-core must be >= 0, got " + kCore);
    }
  }

  /** Settings shared by all protocols, in a fixed order. Null values are written as "none". */
  static Map<String, Object> settings(String label, Double minRating, int kCore, boolean excludeSeen) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("label", label == null ? "none" : label);
    s.put("min-rating", minRating == null ? "none" : minRating);
    s.put("k-core", kCore);
    s.put("exclude-seen", excludeSeen);
    return s;
  }

  /**
   * The rows a retrieval protocol keeps as logged non-positive rows: rows with {@code positive} 0
   * (shown but not engaged, or logged candidates that were never shown). Empty when the log has no
   * exposure column: such a log holds interactions only and a non-positive row there is just a
   * disliked rating, not a logged impression. After a k-core filter (k > 1), only rows of users and
   * items that kept a positive stay.
   */
  static int[] loggedNegatives(Dataset data, float[] positive, int[] keptPositives, int kCore) {
    InteractionLog log = data.log();
    if (log.exposed() == null) {
      return new int[0];
    }
    boolean[] user = new boolean[data.numQueries()];
    boolean[] item = new boolean[data.numItems()];
    for (int r : keptPositives) {
      user[log.queries()[r]] = true;
      item[log.items()[r]] = true;
    }
    boolean[] keep = new boolean[log.size()];
    for (int r = 0; r < keep.length; r++) {
      keep[r] = positive[r] <= 0 && (kCore <= 1 || (user[log.queries()[r]] && item[log.items()[r]]));
    }
    return rows(keep);
  }

  /**
   * The logged candidates that were never shown ({@code exposed = false}; none without an exposure
   * column), restricted after a k-core filter (k > 1) to users and items of {@code keptRows}.
   */
  static int[] unexposedRows(Dataset data, int[] keptRows, int kCore) {
    InteractionLog log = data.log();
    if (log.exposed() == null) {
      return new int[0];
    }
    boolean[] user = new boolean[data.numQueries()];
    boolean[] item = new boolean[data.numItems()];
    for (int r : keptRows) {
      user[log.queries()[r]] = true;
      item[log.items()[r]] = true;
    }
    boolean[] keep = new boolean[log.size()];
    for (int r = 0; r < keep.length; r++) {
      keep[r] = !log.exposed()[r] && (kCore <= 1 || (user[log.queries()[r]] && item[log.items()[r]]));
    }
    return rows(keep);
  }

  /**
   * {@code rows} grouped into requests, the requests grouped by query: {@code out[q]} lists query
   * {@code q}'s requests in order of first row, each request its rows in row order. Rows of one
   * request id under two queries form two requests. Needs a request column.
   */
  static int[][][] requestsByQuery(InteractionLog log, int[] rows, int numQueries) {
    long[] req = log.requests();
    int[][] byQuery = byQuery(log, rows, numQueries);
    int[][][] out = new int[numQueries][][];
    for (int q = 0; q < numQueries; q++) {
      Map<Long, Columns.Ints> groups = new LinkedHashMap<>();
      for (int r : byQuery[q]) {
        groups.computeIfAbsent(req[r], k -> new Columns.Ints()).add(r);
      }
      out[q] = groups.values().stream().map(Columns.Ints::toArray).toArray(int[][]::new);
    }
    return out;
  }

  /**
   * Assembles a split whose logged rows are the positives of each part plus {@code negatives}
   * (non-positive rows per part: {@code [train, valid, test]}), or a split without logged rows when
   * {@code negatives} is null.
   */
  static Split split(String protocol, Map<String, Object> settings, Dataset data, int[] train, int[] valid,
      int[] test, float[] positive, int[][] negatives) {
    Map<String, Object> s = new LinkedHashMap<>(settings);
    s.put("rows.input", data.log().size());
    s.put("rows.train", train.length);
    s.put("rows.valid", valid.length);
    s.put("rows.test", test.length);
    Split.Logged logged = null;
    if (negatives != null) {
      int[][] pos = {train, valid, test};
      InteractionLog[] parts = new InteractionLog[3];
      for (int p = 0; p < 3; p++) {
        int[] all = new int[pos[p].length + negatives[p].length];
        System.arraycopy(pos[p], 0, all, 0, pos[p].length);
        System.arraycopy(negatives[p], 0, all, pos[p].length, negatives[p].length);
        parts[p] = part(data.log(), all, positive);
      }
      logged = new Split.Logged(parts[0], parts[1], parts[2]);
      s.put("logged.train", parts[0].size());
      s.put("logged.valid", parts[1].size());
      s.put("logged.test", parts[2].size());
    }
    return new Split(protocol, s, data, part(data.log(), train, positive), part(data.log(), valid, positive),
        part(data.log(), test, positive), logged, POSITIVE);
  }

  /**
   * Assembles a split from all logged rows per part ({@code [train, valid, test]}); each part's
   * positives are its rows with {@code positive} 1.
   */
  static Split splitLogged(String protocol, Map<String, Object> settings, Dataset data, int[][] logged,
      float[] positive) {
    int[][] pos = new int[3][];
    int[][] neg = new int[3][];
    for (int p = 0; p < 3; p++) {
      pos[p] = Arrays.stream(logged[p]).filter(r -> positive[r] > 0).toArray();
      neg[p] = Arrays.stream(logged[p]).filter(r -> positive[r] <= 0).toArray();
    }
    return split(protocol, settings, data, pos[0], pos[1], pos[2], positive, neg);
  }

  /** Splits {@code rows} into three parts by each row's part index {@code 0, 1, 2}. */
  static int[][] byPart(int[] rows, java.util.function.IntUnaryOperator partOf) {
    int[][] parts = {new int[rows.length], new int[rows.length], new int[rows.length]};
    int[] fill = new int[3];
    for (int r : rows) {
      int p = partOf.applyAsInt(r);
      parts[p][fill[p]++] = r;
    }
    return new int[][] {Arrays.copyOf(parts[0], fill[0]), Arrays.copyOf(parts[1], fill[1]),
        Arrays.copyOf(parts[2], fill[2])};
  }

  private static InteractionLog part(InteractionLog log, int[] rows, float[] positive) {
    int[] sorted = rows.clone();
    Arrays.sort(sorted);
    InteractionLog sel = log.select(sorted);
    Map<String, float[]> labels = new LinkedHashMap<>(sel.labels());
    float[] p = new float[sorted.length];
    for (int k = 0; k < sorted.length; k++) {
      p[k] = positive[sorted[k]];
    }
    labels.put(POSITIVE, p);
    return sel.withLabels(labels);
  }
}

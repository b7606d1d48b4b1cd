package org.towerlab.modules.datasets;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/**
 * The Open Bandit Dataset (Saito, Aihara, Matsutani and Narita, "Open Bandit Dataset and Pipeline:
 * Towards Realistic and Reproducible Off-Policy Evaluation", NeurIPS 2021 Datasets and
 * Benchmarks): impressions of ZOZOTOWN's fashion recommendation widget (three positions) under a
 * uniform random and a Bernoulli Thompson sampling policy, with the click and the policy's true
 * propensity of each impression. Reads {@code <policy>/<campaign>/<campaign>.csv} and
 * {@code <policy>/<campaign>/item_context.csv} (the zr-obp {@code obd/} layout; the small sample
 * holds 10,000 impressions per policy and campaign).
 *
 * <p>Rows: one per impression (one row of the csv, in file order, which is time order), label
 * {@code click}, {@code exposed} = true, {@code positions} = the csv's {@code position - 1} (0 =
 * left, 1 = center, 2 = right, as zr-obp does), {@code propensities} = {@code propensity_score}
 * (the README's {@code action_prob}: the policy's probability of that item at that position),
 * timestamps in microseconds since the epoch (UTC).
 *
 * <p>Queries: the data set has no user ids, so a query is one distinct tuple of the hashed
 * {@code user_feature_*} columns ({@code query-key: user-features}; random/men has 230), or that
 * tuple plus the impression's {@code user-item_affinity_*} vector
 * ({@code user-features-and-affinity}), which is then the dense query field {@code affinity}. Query
 * ids follow the sorted order of the tuples. Query fields: {@code id} and one categorical field per
 * {@code user_feature_*} column.
 *
 * <p>Requests: rows with the same timestamp and the same query form one request (one
 * recommendation round); ids in order of first appearance. The three positions of a round are
 * separate rows in the csv and the small sample keeps a random 10,000 impressions, so almost every
 * request there holds one row (random/men: 9,989 requests for 10,000 rows).
 *
 * <p>Items: ids are the csv's {@code item_id} (0-based; an id without an {@code item_context} row
 * has zero features). Item fields: {@code id}, each numeric {@code item_feature_*} column as a
 * dense field of width 1 and each hashed one as a categorical field (0 = missing). No item
 * category. Bad or missing files throw {@link UserException} with the file and line.
 */
public final class OpenBandit implements DataSource {
  static final String HINT = "The Open Bandit Dataset small sample is zr-obp's obd/ folder"
      + " (https://github.com/st-tech/zr-obp, Apache-2.0); it has men.csv and women.csv but no all.csv, so campaign"
      + " 'all' needs the full data set from https://research.zozo.com/data.html. 'towerlab data fetch open-bandit-small'"
      + " downloads and verifies the small sample.";
  private final OpenBanditConfig config;

  public OpenBandit(OpenBanditConfig config) {
    this.config = config;
  }

  @Override
  public Dataset load() {
    Path dir = DataRoot.locate(config.path(), "open-bandit-small").resolve(config.policy()).resolve(config.campaign());
    Map<String, String> files = new LinkedHashMap<>();
    List<FieldSpec> fields = new ArrayList<>();
    Items items = readItems(TextFile.utf8(dir.resolve("item_context.csv"), HINT), files);

    TextFile f = TextFile.utf8(dir.resolve(config.campaign() + ".csv"), HINT);
    boolean withAffinity = config.queryKey().equals("user-features-and-affinity");
    Header[] header = new Header[1];
    Columns.Longs ts = new Columns.Longs();
    Columns.Ints is = new Columns.Ints();
    Columns.Ints pos = new Columns.Ints();
    Columns.Floats click = new Columns.Floats();
    Columns.Floats prop = new Columns.Floats();
    List<String> keys = new ArrayList<>();
    List<String[]> userValues = new ArrayList<>();
    Map<String, float[]> affinityOf = new HashMap<>();
    f.read((no, line) -> {
      String[] v = Columns.split(line, ',', true);
      if (header[0] == null) {
        header[0] = new Header(f, no, line, v);
        return;
      }
      Header h = header[0];
      if (v.length != h.width) {
        throw f.error(no, line, "expected " + h.width + " comma-separated fields like the header, found " + v.length);
      }
      ts.add(micros(f, no, line, v[h.timestamp]));
      int item = f.parseInt(no, line, v[h.item], "item_id");
      if (item < 0 || item >= items.count) {
        throw f.error(no, line, "item_id " + item + " has no row in item_context.csv (ids 0.." + (items.count - 1) + ")");
      }
      is.add(item);
      int p = f.parseInt(no, line, v[h.position], "position");
      if (p < 1) {
        throw f.error(no, line, "position " + p + " is below 1 (positions are 1, 2, 3)");
      }
      pos.add(p - 1);
      click.add(f.parseFloat(no, line, v[h.click], "click"));
      float pr = f.parseFloat(no, line, v[h.propensity], h.propensityName);
      if (!(pr > 0f && pr <= 1f)) {
        throw f.error(no, line, h.propensityName + " " + pr + " is not in (0, 1]");
      }
      prop.add(pr);
      String[] user = new String[h.userFeatures.length];
      StringBuilder key = new StringBuilder();
      for (int k = 0; k < user.length; k++) {
        user[k] = v[h.userFeatures[k]].trim();
        key.append(user[k]).append('\u0001');
      }
      if (withAffinity) {
        float[] a = new float[h.affinity.length];
        for (int k = 0; k < a.length; k++) {
          a[k] = f.parseFloat(no, line, v[h.affinity[k]], h.names[h.affinity[k]]);
          key.append(a[k]).append('\u0001');
        }
        affinityOf.putIfAbsent(key.toString(), a);
      }
      keys.add(key.toString());
      userValues.add(user);
    }, files);
    if (header[0] == null) {
      throw new UserException("Data file " + f.path().toAbsolutePath() + " is empty; it needs a header line and one"
          + " line per impression. " + HINT);
    }
    Header h = header[0];

    // queries: sorted distinct keys
    Map<String, Integer> queryOf = Columns.vocabulary(keys, false);
    int nq = queryOf.size();
    int n = keys.size();
    int[] qs = new int[n];
    for (int r = 0; r < n; r++) {
      qs[r] = queryOf.get(keys.get(r));
    }
    fields.add(FieldSpec.categorical("id", Side.QUERY, Math.max(1, nq)));
    FeatureTable.Builder qb = FeatureTable.builder(Side.QUERY, nq);
    for (int k = 0; k < h.userFeatures.length; k++) {
      List<String> values = new ArrayList<>();
      for (String[] u : userValues) {
        values.add(u[k]);
      }
      Map<String, Integer> vocab = Columns.vocabulary(values, true);
      int[] col = new int[nq];
      for (int r = 0; r < n; r++) {
        col[qs[r]] = vocab.get(userValues.get(r)[k]);
      }
      String name = h.names[h.userFeatures[k]];
      fields.add(FieldSpec.categorical(name, Side.QUERY, vocab.size() + 1));
      qb.categorical(name, col);
    }
    if (withAffinity) {
      int w = Math.max(1, h.affinity.length);
      float[] col = new float[nq * w];
      for (Map.Entry<String, Integer> e : queryOf.entrySet()) {
        float[] a = affinityOf.get(e.getKey());
        System.arraycopy(a, 0, col, e.getValue() * w, a.length);
      }
      fields.add(FieldSpec.dense("affinity", Side.QUERY, w));
      qb.dense("affinity", col, w);
    }

    // requests: same timestamp and query, in order of first appearance
    long[] times = ts.toArray();
    long[] requests = new long[n];
    Map<String, Long> requestOf = new HashMap<>();
    for (int r = 0; r < n; r++) {
      long next = requestOf.size();
      requests[r] = requestOf.computeIfAbsent(times[r] + "/" + qs[r], k -> next);
    }

    fields.add(FieldSpec.categorical("id", Side.ITEM, Math.max(1, items.count)));
    FeatureTable.Builder ib = FeatureTable.builder(Side.ITEM, items.count);
    items.addTo(fields, ib);
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("click", click.toArray());
    boolean[] exposed = new boolean[n];
    Arrays.fill(exposed, true);
    InteractionLog log = new InteractionLog(qs, is.toArray(), times, labels, exposed, pos.toArray(), prop.toArray(),
        requests);
    return new Dataset("open-bandit", QueryKind.USER, new Schema(fields), qb.build(), ib.build(), log, null, files,
        null);
  }

  /** Microseconds since the epoch of an ISO-like timestamp ({@code 2019-11-24 00:03:13.442536+00:00}). */
  private static long micros(TextFile f, int no, String line, String value) {
    String s = value.trim();
    try {
      OffsetDateTime t = OffsetDateTime.parse(s.replace(' ', 'T'));
      return t.toEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    } catch (DateTimeParseException e) {
      throw f.error(no, line, "timestamp '" + TextFile.truncate(s) + "' is not like 2019-11-24 00:03:13.442536+00:00");
    }
  }

  /** Column positions of the impression file, found by header name. */
  private static final class Header {
    final String[] names;
    final int width;
    final int timestamp;
    final int item;
    final int position;
    final int click;
    final int propensity;
    final String propensityName;
    final int[] userFeatures;
    final int[] affinity;

    Header(TextFile f, int no, String line, String[] v) {
      names = new String[v.length];
      for (int k = 0; k < v.length; k++) {
        names[k] = v[k].trim();
      }
      width = v.length;
      List<String> list = List.of(names);
      timestamp = required(f, no, line, list, "timestamp");
      item = required(f, no, line, list, "item_id");
      position = required(f, no, line, list, "position");
      click = required(f, no, line, list, "click");
      propensityName = list.contains("propensity_score") ? "propensity_score" : "action_prob";
      propensity = required(f, no, line, list, propensityName);
      userFeatures = startingWith("user_feature_");
      affinity = startingWith("user-item_affinity_");
    }

    private int[] startingWith(String prefix) {
      return java.util.stream.IntStream.range(0, names.length).filter(k -> names[k].startsWith(prefix)).toArray();
    }

    private static int required(TextFile f, int no, String line, List<String> names, String name) {
      int k = names.indexOf(name);
      if (k < 0) {
        throw f.error(no, line, "the header has no column '" + name + "' (an Open Bandit impression file has"
            + " timestamp, item_id, position, click, propensity_score and user_feature_* columns)");
      }
      return k;
    }
  }

  /** item_context.csv: numeric columns become dense fields of width 1, the others categorical. */
  private static Items readItems(TextFile f, Map<String, String> files) {
    List<String[]> rows = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    String[][] head = new String[1][];
    f.read((no, line) -> {
      String[] v = Columns.split(line, ',', true);
      if (head[0] == null) {
        head[0] = v;
        return;
      }
      if (v.length != head[0].length) {
        throw f.error(no, line, "expected " + head[0].length + " comma-separated fields like the header, found " + v.length);
      }
      rows.add(v);
      lines.add(no);
    }, files);
    if (head[0] == null) {
      throw new UserException("Data file " + f.path().toAbsolutePath() + " is empty; it needs a header line and one"
          + " line per item. " + HINT);
    }
    List<String> names = new ArrayList<>();
    for (String s : head[0]) {
      names.add(s.trim());
    }
    int idCol = names.indexOf("item_id");
    if (idCol < 0) {
      throw f.error(1, String.join(",", head[0]), "the header has no column 'item_id'");
    }
    int[] ids = new int[rows.size()];
    int count = 0;
    for (int k = 0; k < rows.size(); k++) {
      ids[k] = f.parseInt(lines.get(k), String.join(",", rows.get(k)), rows.get(k)[idCol], "item_id");
      if (ids[k] < 0) {
        throw f.error(lines.get(k), String.join(",", rows.get(k)), "item_id " + ids[k] + " is negative");
      }
      count = Math.max(count, ids[k] + 1);
    }
    Items items = new Items(count);
    for (int c = 0; c < names.size(); c++) {
      if (c == idCol || names.get(c).isEmpty()) {
        continue; // the item id and the unnamed row index
      }
      boolean numeric = true;
      for (String[] row : rows) {
        numeric &= isNumber(row[c]);
      }
      if (numeric) {
        float[] col = new float[count];
        for (int k = 0; k < rows.size(); k++) {
          col[ids[k]] = f.parseFloat(lines.get(k), String.join(",", rows.get(k)), rows.get(k)[c], names.get(c));
        }
        items.columns.put(names.get(c), col);
      } else {
        List<String> values = new ArrayList<>();
        for (String[] row : rows) {
          if (!row[c].trim().isEmpty()) {
            values.add(row[c].trim());
          }
        }
        Map<String, Integer> vocab = Columns.vocabulary(values, true);
        int[] col = new int[count];
        for (int k = 0; k < rows.size(); k++) {
          String v = rows.get(k)[c].trim();
          col[ids[k]] = v.isEmpty() ? 0 : vocab.get(v);
        }
        items.columns.put(names.get(c), col);
        items.cardinality.put(names.get(c), vocab.size() + 1);
      }
    }
    return items;
  }

  private static boolean isNumber(String s) {
    try {
      return Double.isFinite(Double.parseDouble(s.trim()));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Item features in column order: {@code float[]} (dense, width 1) or {@code int[]} (categorical). */
  private static final class Items {
    final int count;
    final Map<String, Object> columns = new LinkedHashMap<>();
    final Map<String, Integer> cardinality = new HashMap<>();

    Items(int count) {
      this.count = count;
    }

    void addTo(List<FieldSpec> fields, FeatureTable.Builder b) {
      for (Map.Entry<String, Object> e : columns.entrySet()) {
        if (e.getValue() instanceof float[] dense) {
          fields.add(FieldSpec.dense(e.getKey(), Side.ITEM, 1));
          b.dense(e.getKey(), dense, 1);
        } else {
          fields.add(FieldSpec.categorical(e.getKey(), Side.ITEM, cardinality.get(e.getKey())));
          b.categorical(e.getKey(), (int[]) e.getValue());
        }
      }
    }
  }
}

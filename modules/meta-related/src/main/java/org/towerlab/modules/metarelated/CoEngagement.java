package org.towerlab.modules.metarelated;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/**
 * Related-item retrieval data (Jaspal et al., "Balancing Semantic Relevance and Engagement in
 * Related Video Recommendations", arXiv 2507.09403, 2025): the queries are items (seed videos) and
 * the positives are the items co-engaged with them, built from any user-level source.
 *
 * <p><b>Pairs.</b> Per user, the shown rows (all rows when the source has no exposure column) in
 * time order (ties in log order); with {@code unengaged: drop} only the engaged ones. For each
 * engaged row a and each of the next {@code window} rows b (within {@code max-gap}), with
 * {@code b != a}:
 * <ul>
 *   <li>b engaged: the pair (a, b) with {@code engagement = 1}, and (b, a) too when
 *       {@code symmetric};
 *   <li>b shown, not engaged: the pair (a, b) with {@code engagement = 0} (and, when
 *       {@code symmetric}, the same for the {@code window} rows before a).
 * </ul>
 * Every pair is stamped with the time of its <b>later</b> event, so the {@code related-temporal}
 * protocol, which cuts by that stamp, never builds a training pair from an event of validation or
 * test. The same item pair from several users (or twice from one user) gives several rows.
 *
 * <p><b>Labels.</b> {@code engagement} (1/0) and {@code relevance}, the pair's semantic relevance
 * in [0, 1] from the rule ({@link ContentRelevance}), which is also attached to the data set
 * ({@link Dataset#relevance()}) for any pair. Rows are shown ({@code exposed = true}); the candidate
 * row's logging propensity is kept when the source has one.
 *
 * <p><b>Features.</b> Both sides are the item corpus: the query side has the item fields (sequence
 * fields are dropped: their meaning does not carry over), the same values, the same keys; dense
 * vector files ({@code vectors:}) are added on both sides. Item category as in the source.
 * {@code groundTruth} is none (the user-level truth does not answer item queries); the simulator's
 * item-level truth is reachable through the {@code truth} relevance term.
 */
public final class CoEngagement implements DataSource {
  /** The engagement label of a pair (1 co-engaged, 0 shown-but-not-engaged candidate). */
  public static final String ENGAGEMENT = "engagement";
  /** The graded semantic relevance label of a pair. */
  public static final String RELEVANCE = "relevance";

  private final CoEngagementConfig config;
  private final DataSource source;
  private final String path;

  /**
   * @param source the built user-level source
   * @param path the config path of this section, for messages ({@code $.data})
   */
  public CoEngagement(CoEngagementConfig config, DataSource source, String path) {
    this.config = config;
    this.source = source;
    this.path = path;
  }

  @Override
  public Dataset load() {
    Dataset base = source.load();
    if (base.queryKind() != QueryKind.USER) {
      throw new UserException("The source at " + path + ".source already has item queries ('" + base.name() + "');"
          + " co-engagement builds item queries from user-level data.");
    }
    InteractionLog log = base.log();
    boolean[] engaged = engaged(base);
    boolean keepUnengaged = switch (config.unengaged()) {
      case "shown" -> true;
      case "drop" -> false;
      default -> log.exposed() != null;
    };
    Pairs pairs = pairs(log, engaged, keepUnengaged, base.numQueries());
    if (pairs.size() == 0) {
      throw new UserException("The co-engagement source at " + path + " found no pair of engaged items within window "
          + config.window() + " in data set '" + base.name() + "' (" + log.size() + " rows). Widen " + path
          + ".window or " + path + ".max-gap, or check engagement-label and min-engagement.");
    }
    Map<String, String> files = new LinkedHashMap<>(base.files());
    List<FieldSpec> fields = new ArrayList<>();
    FeatureTable.Builder qb = FeatureTable.builder(Side.QUERY, base.numItems());
    FeatureTable.Builder ib = FeatureTable.builder(Side.ITEM, base.numItems());
    FeatureTable items = base.itemFeatures();
    for (FieldSpec f : base.schema().side(Side.ITEM)) {
      if (f.kind() == FieldKind.SEQUENCE) {
        continue;
      }
      fields.add(new FieldSpec(f.name(), Side.QUERY, f.kind(), f.cardinality(), f.dim(), f.maxLength()));
      fields.add(f);
      if (f.name().equals("id")) {
        continue;
      }
      switch (f.kind()) {
        case CATEGORICAL -> {
          qb.categorical(f.name(), items.categorical(f.name()));
          ib.categorical(f.name(), items.categorical(f.name()));
        }
        case MULTI_CATEGORICAL -> {
          qb.multiCategorical(f.name(), items.multiCategorical(f.name()));
          ib.multiCategorical(f.name(), items.multiCategorical(f.name()));
        }
        default -> {
          qb.dense(f.name(), items.dense(f.name()), f.dim());
          ib.dense(f.name(), items.dense(f.name()), f.dim());
        }
      }
    }
    for (int v = 0; v < config.vectors().size(); v++) {
      VectorFileConfig vc = config.vectors().get(v);
      String key = path + ".vectors[" + v + "]";
      if (base.schema().field(Side.ITEM, vc.name()).isPresent()) {
        throw new UserException("The vector field '" + vc.name() + "' (" + key + ".name) is already an item field of '"
            + base.name() + "'. Choose another name.");
      }
      VectorFiles.Column c = VectorFiles.read(vc, items, key);
      fields.add(FieldSpec.dense(vc.name(), Side.QUERY, c.dim()));
      fields.add(FieldSpec.dense(vc.name(), Side.ITEM, c.dim()));
      qb.dense(vc.name(), c.values(), c.dim());
      ib.dense(vc.name(), c.values(), c.dim());
      Path file = Path.of(vc.file());
      files.put(ItemFiles.key(file), ItemFiles.provenance(file, c.rows()) + ";missing=" + c.missing());
    }
    if (items.keys() != null) {
      qb.keys(items.keys());
      ib.keys(items.keys());
    }
    fields.sort((a, b) -> a.side().compareTo(b.side()));
    Schema schema = new Schema(fields);
    FeatureTable queries = qb.build();
    FeatureTable itemTable = ib.build();
    // the rule reads the item content including the vector files (a cosine term may name one)
    Dataset content = new Dataset(base.name(), QueryKind.USER, schema, queries, itemTable, base.log(),
        base.itemCategory(), base.files(), base.truth().orElse(null));
    ContentRelevance rule = ContentRelevance.of(content, config.relevance(), path + ".relevance");
    files.putAll(rule.files());

    int n = pairs.size();
    int[] order = pairs.timeOrder();
    int[] q = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    float[] eng = new float[n];
    float[] rel = new float[n];
    float[] prop = log.propensities() == null ? null : new float[n];
    for (int k = 0; k < n; k++) {
      int p = order[k];
      q[k] = pairs.seeds.get(p);
      it[k] = pairs.items.get(p);
      ts[k] = pairs.times.get(p);
      eng[k] = pairs.isEngaged(p) ? 1f : 0f;
      rel[k] = (float) rule.relevance(q[k], it[k]);
      if (prop != null) {
        prop[k] = log.propensities()[pairs.rows.get(p)];
      }
    }
    boolean[] exposed = new boolean[n];
    Arrays.fill(exposed, true);
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put(ENGAGEMENT, eng);
    labels.put(RELEVANCE, rel);
    InteractionLog pairLog = new InteractionLog(q, it, ts, labels, exposed, null, prop);

    String name = config.name() != null && !config.name().isBlank() ? config.name() : "related-" + base.name();
    return new Dataset(name, QueryKind.ITEM, schema, queries, itemTable, pairLog, base.itemCategory(), files, null,
        rule);
  }

  /** Whether each row of the source is engaged: shown, and its engagement label passes the rule. */
  private boolean[] engaged(Dataset base) {
    InteractionLog log = base.log();
    String label = config.engagementLabel();
    if (label == null) {
      label = log.hasLabel("rating") ? "rating" : log.hasLabel("click") ? "click" : null;
    } else if (!log.hasLabel(label)) {
      throw new UserException("The co-engagement source at " + path + " reads engagement-label '" + label
          + "', which data set '" + base.name() + "' does not have; it has " + log.labelNames() + ". Set " + path
          + ".engagement-label to one of them.");
    }
    float[] v = label == null ? null : log.label(label);
    boolean[] out = new boolean[log.size()];
    for (int r = 0; r < out.length; r++) {
      boolean shown = log.exposed() == null || log.exposed()[r];
      boolean pass = v == null || (config.minEngagement() != null ? v[r] >= config.minEngagement() : v[r] > 0);
      out[r] = shown && pass;
    }
    return out;
  }

  /** The pairs in construction order: per user, per seed row, per window position. */
  private static final class Pairs {
    final Ints seeds = new Ints();
    final Ints items = new Ints();
    final Longs times = new Longs();
    final Ints rows = new Ints();
    final java.util.BitSet engagedBits = new java.util.BitSet();

    int size() {
      return seeds.size;
    }

    void add(int seed, int item, long time, boolean isEngaged, int candidateRow) {
      engagedBits.set(seeds.size, isEngaged);
      seeds.add(seed);
      items.add(item);
      times.add(time);
      rows.add(candidateRow);
    }

    /** Indices sorted by time, ties in construction order. */
    int[] timeOrder() {
      int n = size();
      Integer[] idx = new Integer[n];
      for (int k = 0; k < n; k++) {
        idx[k] = k;
      }
      Arrays.sort(idx, (a, b) -> Long.compare(times.a[a], times.a[b]));
      return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    boolean isEngaged(int k) {
      return engagedBits.get(k);
    }
  }

  /**
   * Builds the pairs of every user (see the class comment). {@code rows} of a user are ordered by
   * time, then log order.
   */
  private Pairs pairs(InteractionLog log, boolean[] engaged, boolean keepUnengaged, int numUsers) {
    int n = log.size();
    boolean[] shown = log.exposed();
    int[] count = new int[numUsers];
    for (int r = 0; r < n; r++) {
      count[log.queries()[r]]++;
    }
    int[][] byUser = new int[numUsers][];
    for (int u = 0; u < numUsers; u++) {
      byUser[u] = new int[count[u]];
      count[u] = 0;
    }
    for (int r = 0; r < n; r++) {
      int u = log.queries()[r];
      byUser[u][count[u]++] = r;
    }
    long[] ts = log.timestamps();
    int[] item = log.items();
    int w = config.window();
    Long gap = config.maxGap();
    boolean sym = config.symmetric();
    Pairs out = new Pairs();
    for (int u = 0; u < numUsers; u++) {
      int[] seq = Arrays.stream(byUser[u])
          .filter(r -> (shown == null || shown[r]) && (engaged[r] || keepUnengaged))
          .boxed().sorted((a, b) -> ts[a] != ts[b] ? Long.compare(ts[a], ts[b]) : Integer.compare(a, b))
          .mapToInt(Integer::intValue).toArray();
      for (int i = 0; i < seq.length; i++) {
        int ri = seq[i];
        if (!engaged[ri]) {
          continue;
        }
        int a = item[ri];
        for (int j = i + 1; j < seq.length && j <= i + w; j++) {
          int rj = seq[j];
          if (gap != null && ts[rj] - ts[ri] > gap) {
            break;
          }
          int b = item[rj];
          if (b == a) {
            continue;
          }
          if (engaged[rj]) {
            out.add(a, b, ts[rj], true, rj);
            if (sym) {
              out.add(b, a, ts[rj], true, ri);
            }
          } else {
            out.add(a, b, ts[rj], false, rj);
          }
        }
        if (sym) {
          for (int j = i - 1; j >= 0 && j >= i - w; j--) {
            int rj = seq[j];
            if (gap != null && ts[ri] - ts[rj] > gap) {
              break;
            }
            if (!engaged[rj] && item[rj] != a) {
              out.add(a, item[rj], ts[ri], false, rj);
            }
          }
        }
      }
    }
    return out;
  }

  /** A growable int column. */
  private static final class Ints {
    int[] a = new int[1024];
    int size;

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }

    int get(int k) {
      return a[k];
    }
  }

  /** A growable long column. */
  private static final class Longs {
    long[] a = new long[1024];
    int size;

    void add(long v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }

    long get(int k) {
      return a[k];
    }
  }
}

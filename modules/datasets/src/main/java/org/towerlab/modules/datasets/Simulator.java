package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.random.Seeds;

/**
 * A seeded synthetic data set with known relevance and a known, popularity-biased logging policy;
 * optionally a multi-stage (cascade) logging system whose candidates and exposure propensities are
 * recorded.
 *
 * <p>The world: category centroids {@code c_k} and segment centroids {@code s_g} are random unit
 * vectors of width {@code L = latent-dim}. Item {@code i} has a category {@code k(i)}, a latent
 * vector {@code v_i = c_k(i) + 0.5 eps / sqrt(L)}, a popularity {@code p_i = 1 / rank_i} (Zipf over a
 * random order) and a dense {@code content_i = A v_i + 0.3 eps} of width {@code dim} (A random),
 * so content carries the category. User {@code u} has a segment {@code g(u)} and
 * {@code u = s_g(u) + 0.7 eps / sqrt(L)}. True relevance is
 * {@code r(u, i) = sigmoid(z(u, i))} with the logit {@code z(u, i) = scale <u, v_i> + bias}. The
 * logging policy of segment {@code g} is {@code pi_g(i) = p_i^alpha exp(beta <s_g, v_i>) / Z_g}.
 *
 * <p><b>The single-stage log</b> (no {@code cascade:} section): each user gets
 * {@code n_u ~ U[1, 2m-1]} impressions in slates of {@code slate-size}; every impression draws an
 * item independently from {@code pi_g(u)}, which is the recorded propensity. Feedback is ordinal:
 * {@code click ~ Bern(r)}, {@code like ~ click Bern(r)}, {@code share ~ like Bern(r / 2)}. Every
 * row is an exposure ({@code exposed = true}); rows with {@code click = 0} are
 * shown-but-not-clicked negatives. Timestamps (seconds) increase per user and the log is sorted by
 * time.
 *
 * <p><b>The cascade log</b> ({@link SimulatorCascadeConfig}): the same world, and a fixed logging
 * system per request of user {@code u} (segment {@code g}):
 * <ol>
 *   <li>retrieval draws R distinct candidates from {@code pi_g}, each draw proportional to
 *       {@code pi_g} among the items not drawn yet;
 *   <li>pre-ranking keeps the top P by {@code z(u, i) + sigma_pre eps} (fresh noise per request);
 *   <li>ranking orders those P by {@code z(u, i) + sigma_rank eps} and shows the top S
 *       ({@code slate-size}) at display positions {@code 0 .. S-1};
 *   <li>feedback on shown items: {@code click ~ Bern(e_k r)} with the examination probability
 *       {@code e_k = (1 + k)^-eta} of position {@code k} ({@code eta = position-bias}, 0 = none),
 *       {@code like ~ click Bern(r)}, {@code share ~ like Bern(r / 2)}.
 * </ol>
 * Each request writes one row per retrieved candidate, all at the request's timestamp: {@code
 * requests} (request id, numbered in time order), {@code stages} (0 = retrieved only, 1 =
 * pre-ranked but not shown, 2 = shown), {@code exposed} (stage 2), {@code positions} (display
 * position of shown rows, -1 otherwise), the labels (0 on rows not shown) and the
 * {@code propensities} column: the probability that the item is shown in a request, estimated by
 * Monte Carlo with its own random stream: M simulated requests per segment (users drawn uniformly
 * from the segment; {@code propensity: segment}) or per user ({@code propensity: user}), estimate
 * {@code (c + 0.5) / (M + 1)} for {@code c} requests that showed the item (never 0: every item can be
 * shown). The same number is {@link GroundTruth#exposurePropensity}; {@link Truth#stagePropensity}
 * gives the retrieval and pre-ranking probabilities too. Users get {@code n_u ~ U[1, 2m-1]}
 * requests ({@code m = requests-per-user}) spaced {@code S + 60 + U[0, 3600)} seconds apart.
 *
 * <p><b>Long histories with category-dependent interests</b> (LongRetriever's setting):
 * {@code min-interactions-per-user} n0 draws {@code n_u ~ U[n0, 2m - n0]}; {@code category-interest}
 * w gives each user one latent offset per category, {@code u_k = u + w delta_uk / sqrt(L)}, and
 * relevance to item i uses {@code u_k(i)} ({@link Truth#logit}); both off by default.
 *
 * <p>Query fields: {@code id}, {@code segment}, and with {@code history:} the sequences
 * {@code history} (flat) and {@code category-history} (by category, {@link SimulatorHistoryConfig});
 * {@code history-length: N} alone declares the flat {@code history} of length N.
 * Item fields: {@code id}, {@code category}, {@code content} (dense). Item category = {@code category}. Fully determined by the seed; the
 * world (features, relevance) is the same with and without a cascade, and without one the log is
 * the one earlier versions wrote.
 */
public final class Simulator implements DataSource {
  private static final long HORIZON = 30L * 24 * 3600;
  private final SimulatorConfig config;
  private final long seed;

  public Simulator(SimulatorConfig config, long seed) {
    this.config = config;
    this.seed = seed;
  }

  /** The config's seed if set, else the run's stream {@code data.simulator}. */
  public static Simulator create(SimulatorConfig config, Seeds seeds) {
    return new Simulator(config, config.seed() != null ? config.seed() : seeds.seed("data.simulator"));
  }

  public long seed() {
    return seed;
  }

  /** The logging policy's normalizer must be a positive finite number: extreme settings overflow it. */
  private void checkPolicy(double z) {
    if (!(z > 0) || !Double.isFinite(z)) {
      throw new org.towerlab.api.UserException("The simulator at $.data cannot build its logging policy: with"
          + " popularity-bias " + config.popularityBias() + " and personalization " + config.personalization()
          + " the item weights " + (Double.isFinite(z) ? "underflow to 0" : "overflow") + ". Use smaller values"
          + " (both default to 1.0).");
    }
  }

  @Override
  public Dataset load() {
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom worldRng = root.split();
    SplittableRandom logRng = root.split();
    int nu = config.nUsers();
    int ni = config.nItems();
    int nk = config.nCategories();
    int ng = config.nSegments();
    int l = config.latentDim();
    int dim = config.dim();

    double[][] catCentroid = unitVectors(worldRng, nk, l);
    double[][] segCentroid = unitVectors(worldRng, ng, l);
    int[] category = new int[ni];
    double[] itemLatent = new double[ni * l];
    for (int i = 0; i < ni; i++) {
      category[i] = worldRng.nextInt(nk);
      for (int d = 0; d < l; d++) {
        itemLatent[i * l + d] = catCentroid[category[i]][d] + 0.5 * worldRng.nextGaussian() / Math.sqrt(l);
      }
    }
    int[] order = Seeds.permutation(ni, worldRng);
    double[] popularity = new double[ni];
    for (int r = 0; r < ni; r++) {
      popularity[order[r]] = 1.0 / (r + 1);
    }
    double[] proj = new double[dim * l];
    for (int k = 0; k < proj.length; k++) {
      proj[k] = worldRng.nextGaussian() / Math.sqrt(l);
    }
    float[] content = new float[ni * dim];
    for (int i = 0; i < ni; i++) {
      for (int d = 0; d < dim; d++) {
        double s = 0;
        for (int k = 0; k < l; k++) {
          s += proj[d * l + k] * itemLatent[i * l + k];
        }
        content[i * dim + d] = (float) (s + 0.3 * worldRng.nextGaussian());
      }
    }
    int[] segment = new int[nu];
    double[] userLatent = new double[nu * l];
    for (int u = 0; u < nu; u++) {
      segment[u] = worldRng.nextInt(ng);
      for (int d = 0; d < l; d++) {
        userLatent[u * l + d] = segCentroid[segment[u]][d] + 0.7 * worldRng.nextGaussian() / Math.sqrt(l);
      }
    }
    double[] interest = null;
    if (config.categoryInterest() > 0) {
      // drawn from a stream split off after every other world draw, so the rest of the world is unchanged
      SplittableRandom interestRng = worldRng.split();
      interest = new double[nu * nk * l];
      double w = config.categoryInterest() / Math.sqrt(l);
      for (int k = 0; k < interest.length; k++) {
        interest[k] = w * interestRng.nextGaussian();
      }
    }
    double[][] policy = new double[ng][ni];
    Alias[] alias = new Alias[ng];
    for (int g = 0; g < ng; g++) {
      double z = 0;
      for (int i = 0; i < ni; i++) {
        double aff = 0;
        for (int d = 0; d < l; d++) {
          aff += segCentroid[g][d] * itemLatent[i * l + d];
        }
        policy[g][i] = Math.pow(popularity[i], config.popularityBias()) * Math.exp(config.personalization() * aff);
        z += policy[g][i];
      }
      checkPolicy(z);
      for (int i = 0; i < ni; i++) {
        policy[g][i] /= z;
      }
      alias[g] = new Alias(policy[g]);
    }
    Truth truth = new Truth(l, userLatent, itemLatent, segment, policy, config.relevanceScale(), config.relevanceBias())
        .withInterests(category, nk, interest);
    InteractionLog log;
    if (config.cascade() == null) {
      log = singleStageLog(logRng, truth, alias, segment, policy);
    } else {
      SimulatedCascade system = new SimulatedCascade(config, truth, segment, policy, alias);
      truth = truth.withCascade(system.propensities(root.split()), config.cascade().propensity().equals("user"),
          system.examination());
      log = system.log(logRng, truth, HORIZON);
    }

    List<FieldSpec> fields = new java.util.ArrayList<>(List.of(
        FieldSpec.categorical("id", Side.QUERY, nu),
        FieldSpec.categorical("segment", Side.QUERY, ng)));
    if (config.history() != null) {
      fields.add(FieldSpec.sequence("history", Side.QUERY, ni, config.history().flatLength()));
      fields.add(FieldSpec.categorySequence("category-history", ni, config.history().length(),
          config.history().byCategory()));
    }
    fields.addAll(List.of(
        FieldSpec.categorical("id", Side.ITEM, ni),
        FieldSpec.categorical("category", Side.ITEM, nk),
        FieldSpec.dense("content", Side.ITEM, dim)));
    if (config.historyLength() > 0) {
      fields.add(FieldSpec.sequence("history", Side.QUERY, ni, config.historyLength()));
    }
    Schema schema = new Schema(fields);
    FeatureTable q = FeatureTable.builder(Side.QUERY, nu).categorical("segment", segment).build();
    FeatureTable it = FeatureTable.builder(Side.ITEM, ni).categorical("category", category)
        .dense("content", content, dim).build();
    return new Dataset("simulator", QueryKind.USER, schema, q, it, log, category,
        Map.of(), truth);
  }

  /** The single-stage log (no cascade): independent draws from the segment's policy, in slates. */
  private InteractionLog singleStageLog(SplittableRandom logRng, Truth truth, Alias[] alias, int[] segment,
      double[][] policy) {
    int nu = config.nUsers();
    // Log generation, user by user; then sorted by time.
    int lo = config.minInteractionsPerUser();
    int hi = Math.max(lo, (int) Math.round(2 * config.interactionsPerUser() - lo));
    int[] counts = new int[nu];
    long total = 0;
    for (int u = 0; u < nu; u++) {
      counts[u] = lo + logRng.nextInt(hi - lo + 1);
      total += counts[u];
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("simulator log of " + total + " rows is too large");
    }
    int n = (int) total;
    int[] qs = new int[n];
    int[] is = new int[n];
    long[] ts = new long[n];
    int[] pos = new int[n];
    float[] prop = new float[n];
    float[] click = new float[n];
    float[] like = new float[n];
    float[] share = new float[n];
    int slate = config.slateSize();
    int row = 0;
    for (int u = 0; u < nu; u++) {
      long t = logRng.nextLong(HORIZON);
      Alias a = alias[segment[u]];
      for (int k = 0; k < counts[u]; k++, row++) {
        int p = k % slate;
        if (p == 0 && k > 0) {
          t += slate + 60 + logRng.nextInt(3600);
        }
        int item = a.sample(logRng);
        double r = truth.relevance(u, item);
        qs[row] = u;
        is[row] = item;
        ts[row] = t + p;
        pos[row] = p;
        prop[row] = (float) policy[segment[u]][item];
        if (logRng.nextDouble() < r) {
          click[row] = 1f;
          if (logRng.nextDouble() < r) {
            like[row] = 1f;
            if (logRng.nextDouble() < r / 2) {
              share[row] = 1f;
            }
          }
        }
      }
    }
    long[] keys = new long[n];
    for (int r = 0; r < n; r++) {
      keys[r] = ts[r] * n + r;
    }
    Arrays.sort(keys);
    int[] perm = new int[n];
    for (int r = 0; r < n; r++) {
      perm[r] = (int) (keys[r] % n);
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("click", click);
    labels.put("like", like);
    labels.put("share", share);
    boolean[] exposed = new boolean[n];
    Arrays.fill(exposed, true);
    return new InteractionLog(qs, is, ts, labels, exposed, pos, prop).select(perm);
  }

  private static double[][] unitVectors(SplittableRandom rng, int n, int l) {
    double[][] out = new double[n][l];
    for (double[] v : out) {
      double norm = 0;
      for (int d = 0; d < l; d++) {
        v[d] = rng.nextGaussian();
        norm += v[d] * v[d];
      }
      norm = Math.sqrt(norm);
      for (int d = 0; d < l; d++) {
        v[d] /= norm;
      }
    }
    return out;
  }


  /**
   * The simulator's ground truth: relevance from the latent vectors; exposure propensity from the
   * single-stage policy or, with a cascade, from the Monte Carlo estimate of the logging system.
   */
  public static final class Truth implements GroundTruth {
    private final int l;
    private final double[] userLatent;
    private final double[] itemLatent;
    private final int[] segment;
    private final double[][] policy;
    private final double scale;
    private final double bias;
    /** Category-dependent interests: each item's category, the number of categories, offsets [user][category][L] or null. */
    private final int[] category;
    private final int numCategories;
    private final double[] interest;
    /** With a cascade: P(reach stage s) per (segment or user, item), [3][key * numItems + item]. */
    private final float[][] stagePropensity;
    private final boolean perUser;
    private final double[] examination;

    Truth(int l, double[] userLatent, double[] itemLatent, int[] segment, double[][] policy, double scale, double bias) {
      this(l, userLatent, itemLatent, segment, policy, scale, bias, null, 0, null, null, false, null);
    }

    private Truth(int l, double[] userLatent, double[] itemLatent, int[] segment, double[][] policy, double scale,
        double bias, int[] category, int numCategories, double[] interest, float[][] stagePropensity, boolean perUser,
        double[] examination) {
      this.l = l;
      this.category = category;
      this.numCategories = numCategories;
      this.interest = interest;
      this.userLatent = userLatent;
      this.itemLatent = itemLatent;
      this.segment = segment;
      this.policy = policy;
      this.scale = scale;
      this.bias = bias;
      this.stagePropensity = stagePropensity;
      this.perUser = perUser;
      this.examination = examination;
    }

    Truth withCascade(float[][] stagePropensity, boolean perUser, double[] examination) {
      return new Truth(l, userLatent, itemLatent, segment, policy, scale, bias, category, numCategories, interest,
          stagePropensity, perUser, examination);
    }

    /** With per-(user, category) latent offsets ({@code interest [users][categories][L]}, or null for none). */
    Truth withInterests(int[] category, int numCategories, double[] interest) {
      return new Truth(l, userLatent, itemLatent, segment, policy, scale, bias, category, numCategories, interest,
          stagePropensity, perUser, examination);
    }

    @Override
    public double relevance(int query, int item) {
      return 1.0 / (1.0 + Math.exp(-logit(query, item)));
    }

    /**
     * The cosine of the two items' true latent vectors {@code v_a, v_b} (the world's content, of
     * which the {@code content} field is a noisy projection): about 1 within a category, spread
     * around 0 across categories.
     */
    @Override
    public double itemSimilarity(int a, int b) {
      double ab = 0;
      double aa = 0;
      double bb = 0;
      for (int d = 0; d < l; d++) {
        double x = itemLatent[a * l + d];
        double y = itemLatent[b * l + d];
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      return aa == 0 || bb == 0 ? 0.0 : ab / Math.sqrt(aa * bb);
    }

    /**
     * The true relevance logit {@code scale <u, v_i> + bias}; with {@code category-interest} the
     * user's latent for the item's category, {@code scale <u + offset_{u,k(i)}, v_i> + bias}.
     */
    public double logit(int query, int item) {
      double s = 0;
      for (int d = 0; d < l; d++) {
        s += userLatent[query * l + d] * itemLatent[item * l + d];
      }
      if (interest != null) {
        int at = (query * numCategories + category[item]) * l;
        for (int d = 0; d < l; d++) {
          s += interest[at + d] * itemLatent[item * l + d];
        }
      }
      return scale * s + bias;
    }

    /**
     * Without a cascade: the per-impression probability that the policy draws {@code item} for
     * {@code query}'s segment. With a cascade: the probability that {@code item} is in the shown
     * slate of a request, {@link #stagePropensity} at stage 2 (see {@link Simulator}).
     */
    @Override
    public double exposurePropensity(int query, int item) {
      if (stagePropensity == null) {
        return policy[segment[query]][item];
      }
      return stagePropensity(query, item, 2);
    }

    /** Whether the log came from the multi-stage logging system. */
    public boolean hasCascade() {
      return stagePropensity != null;
    }

    /**
     * Cascade only: the estimated probability that {@code item} reaches at least logging stage
     * {@code stage} (0 = retrieved, 1 = pre-ranked, 2 = shown) in one request of {@code query}: of
     * a user drawn uniformly from {@code query}'s segment ({@code propensity: segment}) or of
     * {@code query} itself ({@code propensity: user}). Estimate {@code (c + 0.5) / (M + 1)} from
     * {@code c} hits in {@code M = propensity-samples} simulated requests.
     */
    public double stagePropensity(int query, int item, int stage) {
      if (stagePropensity == null) {
        throw new IllegalStateException("the simulator has no cascade; stage propensities need data.cascade");
      }
      if (stage < 0 || stage > 2) {
        throw new IllegalArgumentException("stage must be 0 (retrieved), 1 (pre-ranked) or 2 (shown), got " + stage);
      }
      int key = perUser ? query : segment[query];
      int numItems = itemLatent.length / l;
      return stagePropensity[stage][key * numItems + item];
    }

    /**
     * Cascade only: probability that a user examines display position {@code position}
     * ({@code (1 + position)^-position-bias}); a shown item is clicked with probability
     * {@code examination(position) * relevance}.
     */
    public double examination(int position) {
      if (examination == null) {
        throw new IllegalStateException("the simulator has no cascade; examination needs data.cascade");
      }
      return examination[position];
    }
  }

  /** Walker's alias method: O(1) draws from a fixed discrete distribution. */
  static final class Alias {
    private final double[] prob;
    private final int[] alias;

    Alias(double[] p) {
      int n = p.length;
      prob = new double[n];
      alias = new int[n];
      double[] scaled = new double[n];
      int[] small = new int[n];
      int[] large = new int[n];
      int ns = 0;
      int nl = 0;
      for (int i = 0; i < n; i++) {
        scaled[i] = p[i] * n;
        if (scaled[i] < 1.0) {
          small[ns++] = i;
        } else {
          large[nl++] = i;
        }
      }
      while (ns > 0 && nl > 0) {
        int s = small[--ns];
        int g = large[--nl];
        prob[s] = scaled[s];
        alias[s] = g;
        scaled[g] = scaled[g] + scaled[s] - 1.0;
        if (scaled[g] < 1.0) {
          small[ns++] = g;
        } else {
          large[nl++] = g;
        }
      }
      while (nl > 0) {
        prob[large[--nl]] = 1.0;
      }
      while (ns > 0) {
        prob[small[--ns]] = 1.0;
      }
    }

    int sample(SplittableRandom rng) {
      int k = rng.nextInt(prob.length);
      return rng.nextDouble() < prob[k] ? k : alias[k];
    }

    /**
     * One draw from one 64-bit number: the column from the high 32 bits, the coin from the low 32
     * (a bias below {@code n / 2^32}); the cascade's retrieval draws hundreds per request.
     */
    int sampleFast(SplittableRandom rng) {
      long x = rng.nextLong();
      int k = (int) (((x >>> 32) * prob.length) >>> 32);
      return (x & 0xFFFFFFFFL) * 0x1.0p-32 < prob[k] ? k : alias[k];
    }
  }
}

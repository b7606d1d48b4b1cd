package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.InteractionLog;

/**
 * The simulator's fixed three-stage logging system (see {@link Simulator}): per request, retrieval
 * draws R candidates without replacement from the segment's policy, pre-ranking keeps the top P by
 * the true logit plus Gaussian noise, ranking orders those by a less noisy estimate and shows the
 * top S at positions {@code 0 .. S-1}. Used both to write the log and, with its own random stream,
 * to estimate the exposure propensities by Monte Carlo. Not thread-safe (scratch arrays).
 */
final class SimulatedCascade {
  private final SimulatorCascadeConfig cfg;
  private final int numUsers;
  private final int numItems;
  private final int numSegments;
  private final int retrieved;
  private final int preRanked;
  private final int slate;
  private final Simulator.Truth truth;
  private final int[] segment;
  private final double[][] policy;
  private final Simulator.Alias[] alias;
  private final double[] examination;
  // scratch
  private final int[] mark;
  private int stamp;
  private final double[] logit;
  private final double[] score;
  private final double[] keys;

  SimulatedCascade(SimulatorConfig config, Simulator.Truth truth, int[] segment, double[][] policy,
      Simulator.Alias[] alias) {
    this.cfg = config.cascade();
    this.numUsers = config.nUsers();
    this.numItems = config.nItems();
    this.numSegments = config.nSegments();
    this.retrieved = cfg.retrieved();
    this.preRanked = cfg.preRanked();
    this.slate = config.slateSize();
    this.truth = truth;
    this.segment = segment;
    this.policy = policy;
    this.alias = alias;
    this.examination = new double[slate];
    for (int k = 0; k < slate; k++) {
      examination[k] = Math.pow(1 + k, -cfg.positionBias());
    }
    this.mark = new int[numItems];
    this.logit = new double[retrieved];
    this.score = new double[retrieved];
    this.keys = new double[numItems];
  }

  double[] examination() {
    return examination.clone();
  }

  /**
   * Runs the logging system for one request of user {@code u}. On return {@code out[0 .. S)} are
   * the shown items by display position, {@code out[S .. P)} the pre-ranked items not shown (in
   * order of the ranking stage's estimate), {@code out[P .. R)} the retrieved items the pre-ranker
   * dropped (in no particular order); {@code lg[j]} is the true logit of {@code out[j]}.
   */
  void request(int u, SplittableRandom rng, int[] out, double[] lg) {
    retrieve(segment[u], rng, out);
    double preNoise = cfg.preRankingNoise();
    for (int j = 0; j < retrieved; j++) {
      logit[j] = truth.logit(u, out[j]);
      score[j] = logit[j] + preNoise * rng.nextGaussian();
    }
    sortDescending(out, logit, score, 0, retrieved, preRanked);
    double rankNoise = cfg.rankingNoise();
    for (int j = 0; j < preRanked; j++) {
      score[j] = logit[j] + rankNoise * rng.nextGaussian();
    }
    sortDescending(out, logit, score, 0, preRanked, preRanked);
    System.arraycopy(logit, 0, lg, 0, retrieved);
  }

  /**
   * Draws {@code R} distinct items from the segment's policy, each draw proportional to the policy
   * among the items not yet drawn (successive sampling): alias draws with duplicates rejected, or,
   * when that would take too many draws (R close to the number of items, or a steep policy),
   * exponential keys {@code E_i / pi(i)} whose R smallest give the same distribution
   * (Efraimidis and Spirakis, 2006).
   */
  private void retrieve(int g, SplittableRandom rng, int[] out) {
    stamp++;
    if (stamp == Integer.MAX_VALUE) {
      Arrays.fill(mark, 0);
      stamp = 1;
    }
    int n = 0;
    if (2 * retrieved <= numItems) {
      int budget = 20 * retrieved + 200;
      for (int draws = 0; n < retrieved && draws < budget; draws++) {
        int i = alias[g].sampleFast(rng);
        if (mark[i] != stamp) {
          mark[i] = stamp;
          out[n++] = i;
        }
      }
    }
    if (n < retrieved) {
      // the n items already drawn stay; the rest are the smallest keys among the others
      double[] p = policy[g];
      Integer[] boxed = new Integer[numItems - n];
      int m = 0;
      for (int i = 0; i < numItems; i++) {
        if (mark[i] != stamp) {
          keys[i] = -Math.log(1.0 - rng.nextDouble()) / p[i];
          boxed[m++] = i;
        }
      }
      int need = retrieved - n;
      Arrays.sort(boxed, (a, b) -> keys[a] != keys[b] ? Double.compare(keys[a], keys[b]) : Integer.compare(a, b));
      for (int k = 0; k < need; k++) {
        mark[boxed[k]] = stamp;
        out[n++] = boxed[k];
      }
    }
  }

  /**
   * Moves the {@code keep} largest {@code score}s of {@code [from, to)} to the front in descending
   * order (ties: earlier index first), permuting {@code items} and {@code logits} along; selection
   * sort, as {@code keep} is small.
   */
  private static void sortDescending(int[] items, double[] logits, double[] score, int from, int to, int keep) {
    for (int a = from; a < Math.min(to, from + keep); a++) {
      int best = a;
      for (int b = a + 1; b < to; b++) {
        if (score[b] > score[best]) {
          best = b;
        }
      }
      if (best != a) {
        swap(items, a, best);
        swap(logits, a, best);
        swap(score, a, best);
      }
    }
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /**
   * Monte Carlo estimate of the stage propensities: for each key (a segment, or a user with
   * {@code propensity: user}), M simulated requests (of users drawn uniformly from the segment, or
   * of the user), and for each item the share {@code (c + 0.5) / (M + 1)} of requests in which it
   * reached at least stage 0 (retrieved), 1 (pre-ranked), 2 (shown). Returns {@code [3][key *
   * numItems + item]}. A segment without users gets the smoothing value only.
   */
  float[][] propensities(SplittableRandom rng) {
    boolean perUser = cfg.propensity().equals("user");
    int numKeys = perUser ? numUsers : numSegments;
    int samples = cfg.propensitySamples();
    int[][] usersOf = new int[numSegments][];
    int[] count = new int[numSegments];
    for (int u = 0; u < numUsers; u++) {
      count[segment[u]]++;
    }
    for (int g = 0; g < numSegments; g++) {
      usersOf[g] = new int[count[g]];
    }
    int[] fill = new int[numSegments];
    for (int u = 0; u < numUsers; u++) {
      usersOf[segment[u]][fill[segment[u]]++] = u;
    }
    int[][] hits = new int[3][numKeys * numItems];
    int[] out = new int[retrieved];
    double[] lg = new double[retrieved];
    for (int key = 0; key < numKeys; key++) {
      if (!perUser && usersOf[key].length == 0) {
        continue;
      }
      int base = key * numItems;
      for (int s = 0; s < samples; s++) {
        int u = perUser ? key : usersOf[key][rng.nextInt(usersOf[key].length)];
        request(u, rng, out, lg);
        for (int j = 0; j < retrieved; j++) {
          int cell = base + out[j];
          hits[0][cell]++;
          if (j < preRanked) {
            hits[1][cell]++;
            if (j < slate) {
              hits[2][cell]++;
            }
          }
        }
      }
    }
    float[][] prop = new float[3][numKeys * numItems];
    for (int st = 0; st < 3; st++) {
      for (int c = 0; c < prop[st].length; c++) {
        prop[st][c] = (float) ((hits[st][c] + 0.5) / (samples + 1.0));
      }
    }
    return prop;
  }

  /**
   * The cascade log: per user, {@code n_u ~ U[1, 2m-1]} requests ({@code m = requests-per-user})
   * starting at a uniform time in the horizon and spaced by {@code S + 60 + U[0, 3600)} seconds;
   * every request writes its R candidates (shown rows by position, then pre-ranked, then retrieved
   * only), all at the request's time, with the columns described in {@link Simulator}. Sorted by
   * time (a request's rows stay together, in that order); request ids number the requests in time
   * order from 0.
   */
  InteractionLog log(SplittableRandom rng, Simulator.Truth withPropensities, long horizon) {
    int hi = Math.max(1, (int) Math.round(2 * cfg.requestsPerUser() - 1));
    int[] counts = new int[numUsers];
    long totalRequests = 0;
    for (int u = 0; u < numUsers; u++) {
      counts[u] = 1 + rng.nextInt(hi);
      totalRequests += counts[u];
    }
    long total = totalRequests * retrieved;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("simulated cascade log of " + total + " rows is too large; lower n-users,"
          + " cascade.requests-per-user or cascade.retrieved");
    }
    int n = (int) total;
    int[] qs = new int[n];
    int[] is = new int[n];
    long[] ts = new long[n];
    int[] pos = new int[n];
    float[] prop = new float[n];
    long[] req = new long[n];
    int[] stages = new int[n];
    boolean[] exposed = new boolean[n];
    float[] click = new float[n];
    float[] like = new float[n];
    float[] share = new float[n];
    int[] out = new int[retrieved];
    double[] lg = new double[retrieved];
    int row = 0;
    long request = 0;
    for (int u = 0; u < numUsers; u++) {
      long t = rng.nextLong(horizon);
      for (int k = 0; k < counts[u]; k++, request++) {
        if (k > 0) {
          t += slate + 60 + rng.nextInt(3600);
        }
        request(u, rng, out, lg);
        for (int j = 0; j < retrieved; j++, row++) {
          int item = out[j];
          qs[row] = u;
          is[row] = item;
          ts[row] = t;
          req[row] = request;
          prop[row] = (float) withPropensities.exposurePropensity(u, item);
          if (j < slate) {
            stages[row] = 2;
            exposed[row] = true;
            pos[row] = j;
            double r = 1.0 / (1.0 + Math.exp(-lg[j]));
            if (rng.nextDouble() < examination[j] * r) {
              click[row] = 1f;
              if (rng.nextDouble() < r) {
                like[row] = 1f;
                if (rng.nextDouble() < r / 2) {
                  share[row] = 1f;
                }
              }
            }
          } else {
            stages[row] = j < preRanked ? 1 : 0;
            pos[row] = -1;
          }
        }
      }
    }
    long[] sortKeys = new long[n];
    for (int r = 0; r < n; r++) {
      sortKeys[r] = ts[r] * n + r;
    }
    Arrays.sort(sortKeys);
    int[] perm = new int[n];
    for (int r = 0; r < n; r++) {
      perm[r] = (int) (sortKeys[r] % n);
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("click", click);
    labels.put("like", like);
    labels.put("share", share);
    InteractionLog log = new InteractionLog(qs, is, ts, labels, exposed, pos, prop, req, stages).select(perm);
    long[] ids = log.requests(); // a fresh array of the selected log: renumbered in place
    long next = -1;
    long last = Long.MIN_VALUE;
    for (int r = 0; r < n; r++) {
      if (r == 0 || ids[r] != last) {
        last = ids[r];
        next++;
      }
      ids[r] = next;
    }
    return log;
  }
}

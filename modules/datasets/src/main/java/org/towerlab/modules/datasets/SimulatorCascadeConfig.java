package org.towerlab.modules.datasets;

/**
 * The {@code cascade:} section of {@link SimulatorConfig}: a fixed three-stage logging system
 * (retrieval, pre-ranking, ranking) that produces each request's candidates and its shown slate.
 * The slate size S is the simulator's {@code slate-size}. See {@link Simulator} for the generative
 * story.
 *
 * @param requestsPerUser mean number of requests per user, each user's count uniform on
 *     {@code [1, 2m-1]} (rounded); default 4
 * @param retrieved R, candidates the retrieval stage draws per request (without replacement, from
 *     the segment's popularity/affinity policy); default 100; at most {@code n-items}
 * @param preRanked P, candidates the pre-ranking stage keeps (top P of the noisy estimate);
 *     default 20; {@code slate-size <= P <= R}
 * @param preRankingNoise standard deviation of the pre-ranking stage's Gaussian error on the true
 *     relevance logit; default 1.0
 * @param rankingNoise standard deviation of the ranking stage's error (less noisy); default 0.3
 * @param positionBias exponent {@code eta} of the examination probability {@code (1 + k)^-eta} of
 *     display position {@code k = 0, 1, ...} (a click needs examination); default 0 = every shown
 *     item is examined
 * @param propensity what the propensity column and {@code GroundTruth.exposurePropensity} hold:
 *     {@code segment} (default) = probability that the item is shown in a request of a user drawn
 *     uniformly from the query's segment; {@code user} = probability that it is shown in a request
 *     of that user. Both are Monte Carlo estimates; see {@link Simulator}
 * @param propensitySamples simulated requests per segment ({@code segment}) or per user
 *     ({@code user}) of the Monte Carlo estimate; default 10000 per segment, 200 per user
 */
public record SimulatorCascadeConfig(Double requestsPerUser, Integer retrieved, Integer preRanked,
    Double preRankingNoise, Double rankingNoise, Double positionBias, String propensity,
    Integer propensitySamples) {

  public SimulatorCascadeConfig {
    requestsPerUser = requestsPerUser == null ? 4.0 : requestsPerUser;
    if (!(requestsPerUser >= 1.0) || requestsPerUser > 1e5) {
      throw new IllegalArgumentException("cascade.requests-per-user must be in [1, 1e5], got " + requestsPerUser);
    }
    retrieved = retrieved == null ? 100 : retrieved;
    preRanked = preRanked == null ? 20 : preRanked;
    if (retrieved <= 0 || preRanked <= 0 || preRanked > retrieved) {
      throw new IllegalArgumentException("cascade needs 0 < pre-ranked <= retrieved, got retrieved " + retrieved
          + " and pre-ranked " + preRanked);
    }
    preRankingNoise = nonNegative("pre-ranking-noise", preRankingNoise, 1.0);
    rankingNoise = nonNegative("ranking-noise", rankingNoise, 0.3);
    positionBias = nonNegative("position-bias", positionBias, 0.0);
    propensity = propensity == null ? "segment" : propensity;
    if (!propensity.equals("segment") && !propensity.equals("user")) {
      throw new IllegalArgumentException("cascade.propensity must be segment or user, got '" + propensity + "'");
    }
    propensitySamples = propensitySamples == null ? (propensity.equals("segment") ? 10_000 : 200) : propensitySamples;
    if (propensitySamples <= 0) {
      throw new IllegalArgumentException("cascade.propensity-samples must be positive, got " + propensitySamples);
    }
  }

  /** The defaults. */
  public static SimulatorCascadeConfig defaults() {
    return new SimulatorCascadeConfig(null, null, null, null, null, null, null, null);
  }

  private static Double nonNegative(String key, Double v, double dflt) {
    double x = v == null ? dflt : v;
    if (!(x >= 0) || !Double.isFinite(x)) {
      throw new IllegalArgumentException("cascade." + key + " must be a finite number >= 0, got " + v);
    }
    return x;
  }
}

package org.towerlab.modules.ebr;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param rankFrom first rank of the mining window, 1-based (EBR: 101)
 * @param rankTo last rank of the mining window, 1-based and inclusive (EBR: 500); clamped to the
 *     corpus size
 * @param numHard hard negatives per query, drawn uniformly from the window without replacement
 * @param easyRatio easy:hard ratio: {@code round(easyRatio * numHard)} uniform corpus items are
 *     added, shared by the batch (EBR: 100, where the gains saturated); 0 = hard negatives only
 * @param refreshEvery epochs between two rankings by the current model (1 = every epoch; 0 = rank
 *     once at {@code startEpoch} and keep it); ignored with {@code embeddings}
 * @param startEpoch zero-based epoch from which hard negatives are mined; before it the hard slots
 *     hold uniform draws, since a freshly initialized model's ranking is noise (default 1, or 0
 *     with {@code embeddings})
 * @param embeddings path to an earlier run's {@code embeddings/} folder ({@code embeddings.json},
 *     {@code items.f32}, {@code queries.f32}); when set, the window comes from that model's
 *     ranking (EBR's "previous model"), fixed for the whole run, instead of the current model's
 * @param similarity how loaded embeddings are ranked: {@code dot}, {@code cosine}, or {@code auto}
 *     (cosine when {@code embeddings.json} names a cosine interaction, else dot)
 * @param logq whether to report log sampling probabilities of the mixture proposal for every column
 *     and the row's positive (a hinge loss ignores them; see {@link OfflineHardSampler}); needs at
 *     least one easy negative, since the positive's probability is the mixture's uniform part
 */
public record OfflineHardSamplerConfig(Integer rankFrom, Integer rankTo, Integer numHard, Double easyRatio,
    Integer refreshEvery, Integer startEpoch, String embeddings, String similarity, Boolean logq)
    implements ComponentConfig.Sampler {

  public OfflineHardSamplerConfig {
    rankFrom = rankFrom == null ? 101 : rankFrom;
    rankTo = rankTo == null ? 500 : rankTo;
    numHard = numHard == null ? 1 : numHard;
    easyRatio = easyRatio == null ? 100.0 : easyRatio;
    refreshEvery = refreshEvery == null ? 1 : refreshEvery;
    startEpoch = startEpoch == null ? (embeddings == null ? 1 : 0) : startEpoch;
    similarity = similarity == null ? "auto" : similarity;
    logq = logq == null ? false : logq;
    if (rankFrom < 1) {
      throw new IllegalArgumentException("rank-from is 1-based and must be >= 1, got " + rankFrom);
    }
    if (rankTo < rankFrom) {
      throw new IllegalArgumentException("rank-to must be >= rank-from (" + rankFrom + "), got " + rankTo);
    }
    if (numHard <= 0) {
      throw new IllegalArgumentException("num-hard must be positive, got " + numHard);
    }
    if (!(easyRatio >= 0) || easyRatio.isInfinite()) {
      throw new IllegalArgumentException("easy-ratio must be a finite number >= 0, got " + easyRatio);
    }
    if (refreshEvery < 0) {
      throw new IllegalArgumentException("refresh-every must be >= 0, got " + refreshEvery);
    }
    if (startEpoch < 0) {
      throw new IllegalArgumentException("start-epoch must be >= 0, got " + startEpoch);
    }
    if (!similarity.equals("auto") && !similarity.equals("dot") && !similarity.equals("cosine")) {
      throw new IllegalArgumentException("similarity must be auto, dot or cosine, got '" + similarity + "'");
    }
    if (logq && Math.round(easyRatio * numHard) == 0) {
      throw new IllegalArgumentException("logq: true needs easy negatives, but easy-ratio " + easyRatio + " x num-hard "
          + numHard + " draws none: the positive, never a hard negative, would have proposal probability 0. Raise"
          + " easy-ratio or set logq: false");
    }
    if (embeddings != null && embeddings.isBlank()) {
      throw new IllegalArgumentException("embeddings is blank; leave it out to mine with the current model");
    }
  }

  /** How many shared easy negatives each batch gets. */
  public int numEasy() {
    return (int) Math.round(easyRatio * numHard);
  }
}

package org.towerlab.modules.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.Proposal;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * A mixture of samplers: the candidates of every part, side by side (at most one in-batch part;
 * shared and per-query candidates are concatenated). Each part draws from its own generator,
 * split from the step's in part order. With {@code logq}, every candidate column and every row's
 * positive are corrected by the mixture's density, not by the proposal of the part that drew them:
 * {@code q(j | x) = sum_s n_s q_s(j | x) / sum_s n_s}, where {@code n_s} is part s's draws per row
 * (Yang et al., "Mixed Negative Sampling for Learning Two-tower Neural Networks in
 * Recommendations", WWW 2020; with the in-batch and uniform parts this equals the {@code mixed}
 * sampler). That needs every part to state its distribution ({@link Proposal}); a part whose
 * density depends on the query (the {@code exposure} sampler) makes the correction row-specific.
 */
public final class MixSampler implements Sampler, Compatibility {
  private final List<Sampler> parts;
  private final boolean logq;

  public MixSampler(List<Sampler> parts, boolean logq) {
    this.parts = List.copyOf(parts);
    this.logq = logq;
    long inBatch = parts.stream().filter(p -> p instanceof InBatchSampler).count();
    if (inBatch > 1) {
      throw new UserException("The mix sampler has " + inBatch + " in-batch parts; the other rows' positives can be"
          + " negatives only once. Keep one {type: in-batch} in sampler.of.");
    }
  }

  /** Builds the parts through the registry (paths {@code <path>.of[i]}). */
  public static MixSampler create(MixSamplerConfig config, org.towerlab.registry.BuildContext ctx) {
    List<Sampler> parts = new ArrayList<>();
    for (int i = 0; i < config.of().size(); i++) {
      parts.add(ctx.build(org.towerlab.api.Kind.SAMPLER, config.of().get(i), "of[" + i + "]", Sampler.class));
    }
    return new MixSampler(parts, config.logq());
  }

  @Override
  public String incompatibility(Parts p) {
    for (Sampler s : parts) {
      if (logq && !(s instanceof Proposal)) {
        return "The mix sampler corrects by the mixture's density, but its part " + s.getClass().getSimpleName()
            + " does not state its distribution. Set sampler.logq: false, or use parts that do (in-batch, uniform,"
            + " popularity, exposure).";
      }
      if (s instanceof Compatibility c) {
        String problem = c.incompatibility(p);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    int b = request.batchSize();
    List<Negatives> got = new ArrayList<>();
    for (Sampler s : parts) {
      SplittableRandom rng = new SplittableRandom(request.rng().nextLong());
      got.add(s.sample(new SampleRequest(request.queries(), request.positives(), request.epoch(), request.step(), rng),
          ctx));
    }
    boolean inBatch = got.stream().anyMatch(Negatives::inBatch);
    List<Long> shared = new ArrayList<>();
    int k = 0;
    for (Negatives n : got) {
      for (long id : n.shared()) {
        shared.add(id);
      }
      k += n.perQueryCount();
    }
    long[] sharedIds = shared.stream().mapToLong(Long::longValue).toArray();
    long[][] perQuery = k == 0 ? null : new long[b][k];
    boolean[][] mask = k == 0 ? null : new boolean[b][k];
    int off = 0;
    for (Negatives n : got) {
      int kk = n.perQueryCount();
      for (int i = 0; i < b && kk > 0; i++) {
        System.arraycopy(n.perQuery()[i], 0, perQuery[i], off, kk);
        for (int j = 0; j < kk; j++) {
          mask[i][off + j] = n.perQueryMask() == null || n.perQueryMask()[i][j];
        }
      }
      off += kk;
    }
    if (!logq) {
      return new Negatives(inBatch, null, sharedIds, null, perQuery, null, mask);
    }
    int total = 0;
    for (Sampler s : parts) {
      total += ((Proposal) s).draws(b);
    }
    float[] posLogQ = new float[b];
    float[][] inBatchByRow = inBatch ? new float[b][b] : null;
    float[][] sharedByRow = sharedIds.length == 0 ? null : new float[b][sharedIds.length];
    float[][] perQueryLogQ = k == 0 ? null : new float[b][k];
    for (int i = 0; i < b; i++) {
      long q = request.queries()[i];
      posLogQ[i] = logMixture(q, request.positives()[i], b, total, ctx);
      for (int j = 0; inBatch && j < b; j++) {
        inBatchByRow[i][j] = logMixture(q, request.positives()[j], b, total, ctx);
      }
      for (int j = 0; j < sharedIds.length; j++) {
        sharedByRow[i][j] = logMixture(q, sharedIds[j], b, total, ctx);
      }
      for (int j = 0; j < k; j++) {
        perQueryLogQ[i][j] = mask[i][j] ? logMixture(q, perQuery[i][j], b, total, ctx) : 0f;
      }
    }
    return new Negatives(inBatch, posLogQ, sharedIds, null, perQuery, perQueryLogQ, mask, inBatchByRow, sharedByRow);
  }

  private float logMixture(long q, long item, int b, int total, SamplerContext ctx) {
    double p = 0;
    for (Sampler s : parts) {
      Proposal prop = (Proposal) s;
      p += prop.draws(b) * prop.probability(q, item, ctx);
    }
    return (float) Math.log(Math.max(p / total, 1e-30));
  }

  /** The parts, for tests and descriptions. */
  public List<Sampler> parts() {
    return parts;
  }

  @Override
  public String toString() {
    return "mix" + Arrays.toString(parts.toArray());
  }
}

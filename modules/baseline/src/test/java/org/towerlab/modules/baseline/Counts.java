package org.towerlab.modules.baseline;

import java.util.Set;
import java.util.SplittableRandom;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.testkit.FakeSamplerContext;

/** The hand-checked sampler fixtures: four items with training counts 60, 30, 10, 0. */
final class Counts {
  private Counts() {}

  static FakeSamplerContext context() {
    return FakeSamplerContext.of(new long[] {60, 30, 10, 0}, Set.of(), null);
  }

  /** Rows {@code (i, i % 4)} for i < b. */
  static SampleRequest request(int b, long seed) {
    long[] q = new long[b];
    long[] p = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = i;
      p[i] = i % 4;
    }
    return new SampleRequest(q, p, 0, 0, new SplittableRandom(seed));
  }
}

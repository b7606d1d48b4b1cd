package org.towerlab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * The contract every {@link Sampler} passes. A component test extends it and supplies a factory:
 *
 * <pre>
 * class InBatchSamplerTest extends SamplerContract {
 *   &#64;Override
 *   protected Sampler newSampler() {
 *     return new InBatchSampler(new InBatchSamplerConfig(true));
 *   }
 * }
 * </pre>
 *
 * <p>The batch is every training positive of {@link #split()} (default {@link TinyData#split()}:
 * 8 rows, items 1 and 2 twice), epoch 0, step 0; the context is {@link #context} (default a
 * {@link FakeSamplerContext} of the split with a {@link FakeItemIndex#rotating rotating} index).
 * Each check uses a fresh sampler and context. It checks exactly this:
 * <ol>
 *   <li><b>determinism</b>: two fresh samplers given generators with the same seed return equal
 *       negatives (every field), and an {@link InBatchMiner} mines equal columns;
 *   <li><b>corpus</b>: every shared and per-query id, masked or not, is in {@code [0, numItems)}
 *       (the trainer encodes masked slots too);
 *   <li><b>shapes</b>: {@code inBatchLogQ} has B entries, {@code sharedLogQ} one per shared id,
 *       {@code perQuery} B rows of K ids, and {@code perQueryLogQ} and {@code perQueryMask} the same
 *       B x K shape;
 *   <li><b>logQ</b>: every reported log sampling probability is finite and at most 0;
 *   <li><b>mined columns</b> (only for an {@link InBatchMiner}): on a score matrix whose diagonal is
 *       the highest entry of each row, the mined columns lie in {@code [0, B)}, never the row's own
 *       column and never a column holding the row's positive item;
 *   <li><b>known positives</b> (only when {@link #excludesKnownPositives()}): no per-query slot marked
 *       valid and no mined column holds a known training positive of the row's query, the row's
 *       own positive included.
 * </ol>
 * The row's own positive may appear among the shared or per-query ids of a sampler that draws
 * from the corpus: by the {@link Negatives} rule the trainer masks every candidate column holding
 * it (an accidental hit), so it is not a sampler's duty and not checked here.
 */
public abstract class SamplerContract {

  /** A new sampler (samplers may keep state across calls: each check makes its own). */
  protected abstract Sampler newSampler();

  /** The split whose training positives form the batch. */
  protected Split split() {
    return TinyData.split();
  }

  /** The sampler's context over {@code split}. */
  protected SamplerContext context(Split split) {
    return FakeSamplerContext.of(split, FakeItemIndex.rotating(split.dataset().numItems()));
  }

  /** Whether the sampler promises never to return a known positive as a valid candidate. */
  protected boolean excludesKnownPositives() {
    return false;
  }

  private SampleRequest request(Split split, long seed) {
    InteractionLog train = split.train();
    long[] q = new long[train.size()];
    long[] p = new long[train.size()];
    for (int r = 0; r < q.length; r++) {
      q[r] = train.queries()[r];
      p[r] = train.items()[r];
    }
    return new SampleRequest(q, p, 0, 0, new SplittableRandom(seed));
  }

  /** Scores {@code [B][B]} whose diagonal is each row's highest entry. */
  private static float[][] diagonalFirst(int b) {
    float[][] s = new float[b][b];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < b; j++) {
        s[i][j] = i == j ? 10f : (float) ((i * 7 + j * 3) % 5);
      }
    }
    return s;
  }

  @Test
  void sample_sameSeed_sameNegatives() {
    Split split = split();
    Sampler a = newSampler();
    Sampler b = newSampler();
    SampleRequest ra = request(split, 42);
    Negatives na = a.sample(ra, context(split));
    Negatives nb = b.sample(request(split, 42), context(split));
    assertThat(nb.inBatch()).as("inBatch").isEqualTo(na.inBatch());
    assertThat(nb.inBatchLogQ()).as("inBatchLogQ").isEqualTo(na.inBatchLogQ());
    assertThat(nb.shared()).as("shared").isEqualTo(na.shared());
    assertThat(nb.sharedLogQ()).as("sharedLogQ").isEqualTo(na.sharedLogQ());
    assertThat(Arrays.deepEquals(nb.perQuery(), na.perQuery())).as("perQuery").isTrue();
    assertThat(Arrays.deepEquals(nb.perQueryLogQ(), na.perQueryLogQ())).as("perQueryLogQ").isTrue();
    assertThat(Arrays.deepEquals(nb.perQueryMask(), na.perQueryMask())).as("perQueryMask").isTrue();
    if (a instanceof InBatchMiner ma && b instanceof InBatchMiner mb) {
      float[][] s = diagonalFirst(ra.batchSize());
      assertThat(Arrays.deepEquals(mb.mine(s, ra.queries(), ra.positives()), ma.mine(s, ra.queries(), ra.positives())))
          .as("mined columns").isTrue();
    }
  }

  @Test
  void sample_everyId_insideTheCorpus() {
    Split split = split();
    SamplerContext ctx = context(split);
    Negatives n = newSampler().sample(request(split, 1), ctx);
    for (long id : n.shared()) {
      assertThat(id).as("shared id").isBetween(0L, ctx.numItems() - 1L);
    }
    if (n.perQuery() != null) {
      for (long[] row : n.perQuery()) {
        for (long id : row) {
          assertThat(id).as("per-query id (masked or not)").isBetween(0L, ctx.numItems() - 1L);
        }
      }
    }
  }

  @Test
  void sample_shapes_matchTheBatch() {
    Split split = split();
    SampleRequest req = request(split, 2);
    Negatives n = newSampler().sample(req, context(split));
    int b = req.batchSize();
    if (n.inBatchLogQ() != null) {
      assertThat(n.inBatchLogQ()).as("inBatchLogQ").hasSize(b);
    }
    if (n.sharedLogQ() != null) {
      assertThat(n.sharedLogQ()).as("sharedLogQ").hasSize(n.shared().length);
    }
    if (n.perQuery() != null) {
      assertThat(n.perQuery()).as("perQuery rows").hasNumberOfRows(b);
      int k = n.perQueryCount();
      for (long[] row : n.perQuery()) {
        assertThat(row).as("perQuery row width").hasSize(k);
      }
      if (n.perQueryLogQ() != null) {
        assertThat(n.perQueryLogQ()).as("perQueryLogQ").hasDimensions(b, k);
      }
      if (n.perQueryMask() != null) {
        assertThat(n.perQueryMask()).as("perQueryMask rows").hasNumberOfRows(b);
        for (boolean[] row : n.perQueryMask()) {
          assertThat(row).as("perQueryMask row width").hasSize(k);
        }
      }
    } else {
      assertThat(n.perQueryLogQ()).as("perQueryLogQ without perQuery").isNull();
      assertThat(n.perQueryMask()).as("perQueryMask without perQuery").isNull();
    }
  }

  @Test
  void sample_logQ_finiteAndAtMostZero() {
    Split split = split();
    Negatives n = newSampler().sample(request(split, 3), context(split));
    checkLogQ("inBatchLogQ", n.inBatchLogQ());
    checkLogQ("sharedLogQ", n.sharedLogQ());
    if (n.perQueryLogQ() != null) {
      for (float[] row : n.perQueryLogQ()) {
        checkLogQ("perQueryLogQ", row);
      }
    }
  }

  private static void checkLogQ(String name, float[] values) {
    if (values == null) {
      return;
    }
    for (float v : values) {
      assertThat(Float.isFinite(v)).as(name + " value %s is finite", v).isTrue();
      assertThat(v).as(name + " is a log probability").isLessThanOrEqualTo(1e-6f);
    }
  }

  @Test
  void mine_diagonalHighest_neverTheOwnColumnNorTheSameItem() {
    Sampler sampler = newSampler();
    Assumptions.assumeTrue(sampler instanceof InBatchMiner, "not an in-batch miner");
    Split split = split();
    SampleRequest req = request(split, 4);
    sampler.sample(req, context(split));
    int b = req.batchSize();
    int[][] cols = ((InBatchMiner) sampler).mine(diagonalFirst(b), req.queries(), req.positives());
    assertThat(cols).as("one column list per row").hasNumberOfRows(b);
    boolean any = false;
    for (int i = 0; i < b; i++) {
      for (int c : cols[i]) {
        any = true;
        assertThat(c).as("row %d: mined column", i).isBetween(0, b - 1).isNotEqualTo(i);
        assertThat(req.positives()[c]).as("row %d: item of mined column %d", i, c).isNotEqualTo(req.positives()[i]);
      }
    }
    assertThat(any).as("some column mined").isTrue();
  }

  @Test
  void sample_knownPositives_neverValidCandidates() {
    Assumptions.assumeTrue(excludesKnownPositives(), "the sampler does not promise to exclude known positives");
    Split split = split();
    SamplerContext ctx = context(split);
    SampleRequest req = request(split, 5);
    Sampler sampler = newSampler();
    Negatives n = sampler.sample(req, ctx);
    int b = req.batchSize();
    if (n.perQuery() != null) {
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < n.perQueryCount(); j++) {
          boolean valid = n.perQueryMask() == null || n.perQueryMask()[i][j];
          if (valid) {
            assertThat(ctx.isKnownPositive(req.queries()[i], n.perQuery()[i][j]))
                .as("row %d slot %d holds item %d, a known positive of query %d", i, j, n.perQuery()[i][j],
                    req.queries()[i]).isFalse();
          }
        }
      }
    }
    if (sampler instanceof InBatchMiner miner) {
      int[][] cols = miner.mine(diagonalFirst(b), req.queries(), req.positives());
      for (int i = 0; i < b; i++) {
        for (int c : cols[i]) {
          assertThat(ctx.isKnownPositive(req.queries()[i], req.positives()[c]))
              .as("row %d mined column %d (item %d), a known positive of query %d", i, c, req.positives()[c],
                  req.queries()[i]).isFalse();
        }
      }
    }
  }
}

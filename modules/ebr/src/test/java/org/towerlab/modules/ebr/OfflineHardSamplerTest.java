package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.testkit.FakeItemIndex;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.SamplerContract;

class OfflineHardSamplerTest extends SamplerContract {

  /** The contract's corpus has 6 items: mine ranks 1-5 of the kit's rotating index from epoch 0. */
  @Override
  protected Sampler newSampler() {
    return new OfflineHardSampler(new OfflineHardSamplerConfig(1, 5, 2, 2.0, null, 0, null, null, null), "$.sampler");
  }

  @Override
  protected boolean excludesKnownPositives() {
    return true;
  }
  private static final int N = 1000;

  /** Query q ranks item (q * 37 + r) mod N at 0-based rank r. */
  private static long itemAt(long q, int r) {
    return (q * 37 + r) % N;
  }

  private static int rankOf(long q, long item) {
    return (int) Math.floorMod(item - q * 37, N);
  }

  private static OfflineHardSamplerConfig config(Integer numHard, Integer refreshEvery, Integer startEpoch) {
    return new OfflineHardSamplerConfig(null, null, numHard, null, refreshEvery, startEpoch, null, null, null);
  }

  private static SampleRequest request(int b, int epoch, long seed) {
    long[] q = new long[b];
    long[] p = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = i % 40;
      p[i] = itemAt(q[i], 3);
    }
    return new SampleRequest(q, p, epoch, 0, new SplittableRandom(seed));
  }

  @Test
  void sample_hardNegativesLieInTheWindowAndAreNeverKnownPositives() {
    // Every query knows the items at ranks 100..299 as positives: half of the window is forbidden.
    Set<Long> known = new HashSet<>();
    for (long q = 0; q < 40; q++) {
      for (int r = 100; r < 300; r++) {
        known.add(FakeSamplerContext.pair(q, itemAt(q, r)));
      }
    }
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    OfflineHardSampler s = new OfflineHardSampler(config(3, null, 0), "$.sampler");
    int seen = 0;
    for (int step = 0; step < 50; step++) {
      SampleRequest req = request(64, 0, step);
      Negatives n = s.sample(req, FakeSamplerContext.of(new long[N], known, index));
      for (int i = 0; i < 64; i++) {
        for (int j = 0; j < 3; j++) {
          long item = n.perQuery()[i][j];
          assertThat(n.perQueryMask()[i][j]).isTrue();
          assertThat(rankOf(req.queries()[i], item) + 1).isBetween(101, 500);
          assertThat(known).doesNotContain(FakeSamplerContext.pair(req.queries()[i], item));
          seen++;
        }
        assertThat(n.perQuery()[i]).doesNotHaveDuplicates();
      }
    }
    assertThat(seen).isEqualTo(50 * 64 * 3);
  }

  @Test
  void sample_easyToHardCountIsTheConfiguredRatio() {
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    Negatives n = new OfflineHardSampler(config(2, null, 0), "$.sampler")
        .sample(request(32, 0, 1), FakeSamplerContext.of(new long[N], Set.of(), index));
    assertThat(n.inBatch()).isFalse();
    assertThat(n.perQueryCount()).isEqualTo(2);
    // per query: 200 easy (shared) columns for 2 hard ones
    assertThat((double) n.shared().length / n.perQueryCount()).isCloseTo(100.0, within(1e-9));
    assertThat(java.util.Arrays.stream(n.shared()).boxed().toList()).allSatisfy(id -> assertThat(id).isBetween(0L, N - 1L));
  }

  @Test
  void sample_windowWithoutValidItems_masksTheSlots() {
    Set<Long> known = new HashSet<>();
    for (int r = 0; r < N; r++) {
      known.add(FakeSamplerContext.pair(0, r));
    }
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    SampleRequest req = new SampleRequest(new long[] {0, 1}, new long[] {5, 6}, 0, 0, new SplittableRandom(2));
    Negatives n = new OfflineHardSampler(config(1, null, 0), "$.sampler").sample(req, FakeSamplerContext.of(new long[N], known, index));
    assertThat(n.perQueryMask()[0]).containsExactly(false);
    assertThat(n.perQueryMask()[1]).containsExactly(true);
  }

  @Test
  void sample_reRanksEveryRefreshEpochsAndNotBeforeStartEpoch() {
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    OfflineHardSampler s = new OfflineHardSampler(config(1, 2, 1), "$.sampler");
    var ctx = FakeSamplerContext.of(new long[N], Set.of(), index);
    Negatives warm = s.sample(request(8, 0, 0), ctx);
    assertThat(index.version()).isZero();
    assertThat(index.rankedCalls()).isZero();
    assertThat(warm.perQuery()).hasDimensions(8, 1);
    int[] refreshesAfterEpoch = new int[6];
    for (int epoch = 1; epoch < 6; epoch++) {
      s.sample(request(8, epoch, epoch), ctx);
      s.sample(request(8, epoch, epoch + 100), ctx); // same queries: served from the cached windows
      refreshesAfterEpoch[epoch] = index.version();
    }
    // Ranked at epochs 1, 3, 5.
    assertThat(refreshesAfterEpoch).containsExactly(0, 1, 1, 2, 2, 3);
    assertThat(index.rankedCalls()).isEqualTo(3);
  }

  @Test
  void sample_rankFromBeyondTheCorpus_failsNamingTheKey() {
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    OfflineHardSampler s = new OfflineHardSampler(config(1, null, 0), "$.sampler");
    assertThatThrownBy(() -> s.sample(request(2, 0, 0), FakeSamplerContext.of(new long[50], Set.of(), index)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.sampler.rank-from")
        .hasMessageContaining("50");
  }

  private static void writeFloats(Path file, float[] v) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    Files.write(file, buf.array());
  }

  /** Items on a circle, item i at angle i degrees with radius 1 + i; queries 0 at angle 0. */
  private static Path writeEmbeddings(Path dir, String interaction) throws IOException {
    int items = 300;
    float[] iv = new float[items * 2];
    for (int i = 0; i < items; i++) {
      double a = Math.toRadians(i);
      iv[2 * i] = (float) ((1 + i) * Math.cos(a));
      iv[2 * i + 1] = (float) ((1 + i) * Math.sin(a));
    }
    writeFloats(dir.resolve("items.f32"), iv);
    writeFloats(dir.resolve("queries.f32"), new float[] {1f, 0f, 0f, 1f});
    Files.writeString(dir.resolve("embeddings.json"), "{\"items\": {\"file\": \"items.f32\", \"rows\": 300, \"dim\": 2},"
        + " \"queries\": {\"file\": \"queries.f32\", \"rows\": 2, \"dim\": 2}, \"interaction\": \"" + interaction + "\"}");
    return dir;
  }

  @Test
  void savedEmbeddings_rankByCosineOrDotAsConfigured(@TempDir Path dir) throws IOException {
    writeEmbeddings(dir, "CosineInteraction");
    // By cosine, query 0 (angle 0) ranks items by increasing angle up to 180 degrees, then the rest.
    SavedEmbeddings cos = SavedEmbeddings.load(dir, "auto", "$.sampler.embeddings");
    assertThat(cos.cosine()).isTrue();
    assertThat(cos.ranked(0, 0, 3)).containsExactly(0, 1, 2);
    // By dot, length counts: (1 + i) cos(i deg) is largest for item 299 (300 cos 61 deg = 145.4), then
    // item 298 (299 cos 62 deg = 140.4); item 0 scores 1.
    SavedEmbeddings dot = SavedEmbeddings.load(dir, "dot", "$.sampler.embeddings");
    assertThat(dot.cosine()).isFalse();
    assertThat(dot.ranked(0, 0, 2)).containsExactly(299, 298);
  }

  @Test
  void sample_fromSavedEmbeddings_drawsFromTheirWindow(@TempDir Path dir) throws IOException {
    writeEmbeddings(dir, "CosineInteraction");
    OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(11, 20, 2, 5.0, null, null, dir.toString(), null, null);
    assertThat(c.startEpoch()).isZero();
    OfflineHardSampler s = new OfflineHardSampler(c, "$.sampler");
    SampleRequest req = new SampleRequest(new long[] {0}, new long[] {0}, 0, 0, new SplittableRandom(4));
    Negatives n = s.sample(req, FakeSamplerContext.of(new long[300], Set.of(FakeSamplerContext.pair(0, 12)), null));
    // Cosine ranks 11..20 (1-based) of query 0 are items 10..19; item 12 is a known positive.
    assertThat(java.util.Arrays.stream(n.perQuery()[0]).boxed().toList()).allSatisfy(id -> assertThat(id).isBetween(10L, 19L).isNotEqualTo(12L));
    assertThat(n.shared()).hasSize(10);
  }

  @Test
  void sample_savedEmbeddingsOfAnotherCorpus_failWithUserException(@TempDir Path dir) throws IOException {
    writeEmbeddings(dir, "DotInteraction");
    OfflineHardSampler s = new OfflineHardSampler(
        new OfflineHardSamplerConfig(1, 5, 1, 1.0, null, null, dir.toString(), null, null), "$.sampler");
    SampleRequest req = new SampleRequest(new long[] {0}, new long[] {0}, 0, 0, new SplittableRandom(4));
    assertThatThrownBy(() -> s.sample(req, FakeSamplerContext.of(new long[500], Set.of(), null)))
        .isInstanceOf(UserException.class).hasMessageContaining("300 items").hasMessageContaining("500");
    assertThatThrownBy(() -> SavedEmbeddings.load(dir.resolve("missing"), "auto", "$.sampler.embeddings"))
        .isInstanceOf(UserException.class).hasMessageContaining("$.sampler.embeddings");
  }

  @Test
  void sample_logq_isTheMixtureProposal() {
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(null, null, 1, null, null, 0, null, null, true);
    Negatives n = new OfflineHardSampler(c, "$.sampler").sample(request(2, 0, 0), FakeSamplerContext.of(new long[N], Set.of(), index));
    // M = 100 easy, h = 1, window of 400 items minus nothing (positive at rank 4 is outside the window)
    assertThat(n.perQueryLogQ()[0][0]).isCloseTo((float) Math.log((100.0 / N + 1.0 / 400) / 101), within(1e-6f));
    assertThat(n.sharedLogQ()[0]).isCloseTo((float) Math.log((100.0 / N) / 101), within(1e-6f));
  }

  @Test
  void sample_logq_positiveCorrectedWithTheSameProposalAsItsColumns() {
    var index = new FakeItemIndex(OfflineHardSamplerTest::itemAt);
    OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(null, null, 1, null, null, 1, null, null, true);
    OfflineHardSampler s = new OfflineHardSampler(c, "$.sampler");
    // mining (epoch 1 >= start-epoch 1): the positive is outside its filtered window, so only the
    // uniform part of the mixture can draw it, like an easy column
    Negatives mining = s.sample(request(2, 1, 1), FakeSamplerContext.of(new long[N], Set.of(), index));
    assertThat(mining.inBatch()).isFalse();
    assertThat(mining.inBatchLogQ()).hasSize(2).containsOnly(mining.sharedLogQ()[0]);
    assertThat(mining.inBatchLogQ()[0]).isCloseTo((float) Math.log((100.0 / N) / 101), within(1e-6f));
    // before mining every column is a uniform draw, and so is the positive
    Negatives before = s.sample(request(2, 0, 2), FakeSamplerContext.of(new long[N], Set.of(), index));
    assertThat(before.inBatchLogQ()).containsOnly((float) Math.log(1.0 / N));
    assertThat(before.sharedLogQ()).containsOnly((float) Math.log(1.0 / N));
    assertThat(before.perQueryLogQ()[0]).containsOnly((float) Math.log(1.0 / N));
    // without logq nothing is corrected, the positive included
    Negatives off = new OfflineHardSampler(new OfflineHardSamplerConfig(null, null, 1, null, null, 1, null, null, null),
        "$.sampler").sample(request(2, 1, 3), FakeSamplerContext.of(new long[N], Set.of(), index));
    assertThat(off.inBatchLogQ()).isNull();
    assertThat(off.sharedLogQ()).isNull();
  }

  @Test
  void config_logqWithoutEasyNegatives_rejectedNamingTheValues() {
    assertThatThrownBy(() -> new OfflineHardSamplerConfig(null, null, 1, 0.0, null, null, null, null, true))
        .hasMessageContaining("easy-ratio 0.0").hasMessageContaining("logq");
  }

  @Test
  void config_defaultsAreThePapersAndBadValuesAreNamed() {
    OfflineHardSamplerConfig d = new OfflineHardSamplerConfig(null, null, null, null, null, null, null, null, null);
    assertThat(d.rankFrom()).isEqualTo(101);
    assertThat(d.rankTo()).isEqualTo(500);
    assertThat(d.numEasy()).isEqualTo(100);
    assertThat(d.startEpoch()).isEqualTo(1);
    assertThatThrownBy(() -> new OfflineHardSamplerConfig(200, 100, null, null, null, null, null, null, null))
        .hasMessageContaining("100");
    assertThatThrownBy(() -> new OfflineHardSamplerConfig(null, null, null, -1.0, null, null, null, null, null))
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new OfflineHardSamplerConfig(null, null, null, null, null, null, null, "l2", null))
        .hasMessageContaining("l2");
  }
}

package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.trainers.Harness.RecordingTracker;
import org.towerlab.trainers.Harness.Session;

/**
 * {@code trainer.embedding-updates} through the whole training path (towers' embedding tables,
 * in-batch softmax, {@link EpochLoop}, {@link AdamW}): the row-sparse lazy Adam equals dense Adam
 * when every row is read at every step, and differs from it when it is not.
 */
class EmbeddingUpdatesTest {
  @TempDir Path tmp;

  /** A 60-user, 40-item simulator, 3 epochs, no weight decay (dense decay would move unread rows). */
  private static final String[] SMALL = {"data.n-users=60", "data.n-items=40", "data.interactions-per-user=8",
      "trainer.weight-decay=0"};

  private Map<String, float[]> weights(String name, String updates, int batchSize) {
    String[] overrides = new String[SMALL.length + 2];
    System.arraycopy(SMALL, 0, overrides, 0, SMALL.length);
    overrides[SMALL.length] = "trainer.embedding-updates=" + updates;
    overrides[SMALL.length + 1] = "trainer.batch-size=" + batchSize;
    try (Session s = new Session(Harness.simulator(tmp.resolve(name + "-cfg"), overrides))) {
      s.train(tmp.resolve(name), false, new RecordingTracker());
      return s.weights();
    }
  }

  private static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
    assertThat(b.keySet()).isEqualTo(a.keySet());
    double max = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k);
      float[] y = b.get(k);
      assertThat(y).as(k).hasSameSizeAs(x);
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    return max;
  }

  @Test
  void train_lazyAdamOneBatchPerEpoch_equalsDenseAdam() {
    // one batch holds every training row: each step reads every user and every item with a row;
    // a row never read has no gradient under either mode and keeps its initial weights
    Map<String, float[]> dense = weights("dense", "dense", 100_000);
    Map<String, float[]> lazy = weights("lazy", "lazy-adam", 100_000);

    assertThat(maxDifference(dense, lazy)).isLessThan(1e-5);
  }

  @Test
  void train_lazyAdamSeveralBatchesPerEpoch_differsFromDenseAdam() {
    // with 32 rows per step most rows are not read at a step: dense Adam moves them on their
    // momentum, lazy Adam leaves them (so this also shows the sparse path was taken)
    Map<String, float[]> dense = weights("dense", "dense", 32);
    Map<String, float[]> lazy = weights("lazy", "lazy-adam", 32);

    assertThat(maxDifference(dense, lazy)).isGreaterThan(1e-3);
  }

  @Test
  void train_rowwiseAdagrad_movesTheWeightsAndStaysFinite() {
    String[] overrides = {"data.n-users=60", "data.n-items=40", "data.interactions-per-user=8",
        "trainer.embedding-updates=rowwise-adagrad", "trainer.batch-size=32", "trainer.learning-rate=0.05"};
    try (Session s = new Session(Harness.simulator(tmp.resolve("adagrad-cfg"), overrides))) {
      Map<String, float[]> before = s.weights();
      s.train(tmp.resolve("adagrad"), false, new RecordingTracker());
      Map<String, float[]> after = s.weights();

      assertThat(after.values()).allSatisfy(w -> assertThat(w).doesNotContain(Float.NaN, Float.POSITIVE_INFINITY,
          Float.NEGATIVE_INFINITY));
      assertThat(maxDifference(before, after)).isGreaterThan(1e-3);
      assertThat(s.evaluate().get("test/recall@20")).isPositive();
    }
  }

  @Test
  void parse_unknownMode_namesTheAcceptedValues() {
    assertThatThrownBy(() -> EmbeddingUpdates.parse("sparse"))
        .hasMessageContaining("auto, dense, lazy-adam or rowwise-adagrad").hasMessageContaining("'sparse'");
    assertThat(EmbeddingUpdates.parse("rowwise-adagrad").modeFor(3)).isEqualTo(EmbeddingUpdates.Mode.ROWWISE_ADAGRAD);
    assertThat(new EmbeddingUpdates(EmbeddingUpdates.Mode.AUTO, 100).modeFor(99)).isEqualTo(EmbeddingUpdates.Mode.DENSE);
    assertThat(new EmbeddingUpdates(EmbeddingUpdates.Mode.AUTO, 100).modeFor(100))
        .isEqualTo(EmbeddingUpdates.Mode.LAZY_ADAM);
  }
}

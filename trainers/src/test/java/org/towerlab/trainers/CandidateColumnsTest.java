package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.CandidateIds;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.KitDotInteraction;

/**
 * Plain in-batch columns built on the engine: {@code mask[i][j] = pos[j] != pos[i]},
 * {@code logQ[i][j] = logQ[j]}, {@code ids[i][j] = pos[j]}, scores = the interaction's
 * {@code [B, B]} scores. Every source at once: {@code TrainStepTest}.
 */
class CandidateColumnsTest {
  private static final long[] POS = {3, 5, 3, 7};

  @Test
  void candidates_duplicatePositives_maskAccidentalHitsAndBroadcastLogQ() {
    float[] logQ = {-1f, -2f, -1f, -3f};
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = Forwards.training(m, 1);
      TowerOutput q = TowerOutput.of(Tensors.create(m, new float[] {1, 0, 0, 1, 1, 1, 2, 0}, new Shape(4, 2)));
      TowerOutput p = TowerOutput.of(Tensors.create(m, new float[] {1, 2, 0, 1, 1, 2, 3, 0}, new Shape(4, 2)));

      TrainStep.Candidates c = CandidateColumns.build(new KitDotInteraction(0.5), q, p, p, Negatives.inBatch(logQ),
          new long[4], POS, null, fwd, m);

      assertThat(c.width()).isEqualTo(4);
      assertThat(c.scores().getShape()).isEqualTo(new Shape(4, 4));
      float[] expectedScores = new float[16];
      float[] qa = q.embedding().toFloatArray();
      float[] pa = p.embedding().toFloatArray();
      float[] expectedMask = new float[16];
      float[] expectedLogQ = new float[16];
      long[] expectedIds = new long[16];
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          expectedScores[i * 4 + j] = (qa[2 * i] * pa[2 * j] + qa[2 * i + 1] * pa[2 * j + 1]) / 0.5f;
          expectedMask[i * 4 + j] = POS[j] != POS[i] ? 1f : 0f;
          expectedLogQ[i * 4 + j] = logQ[j];
          expectedIds[i * 4 + j] = POS[j];
        }
      }
      assertThat(c.scores().toFloatArray()).containsExactly(expectedScores, within(1e-6f));
      assertThat(c.mask().toFloatArray()).containsExactly(expectedMask);
      // rows 0 and 2 share item 3: each masks the other's column besides its own
      assertThat(c.mask().toFloatArray()).startsWith(0f, 1f, 0f, 1f);
      assertThat(c.logQ().getShape()).isEqualTo(new Shape(4, 4));
      assertThat(c.logQ().toFloatArray()).containsExactly(expectedLogQ);
      assertThat(c.scoreLogQ().toFloatArray()).containsExactly(logQ);
      assertThat(c.ids().toArray()).containsExactly(expectedIds);
      assertThat(c.ids()).isEqualTo(CandidateIds.of(expectedIds, 4, 4));
    }
  }

  @Test
  void candidates_withoutLogQ_leavesLogQColumnsNull() {
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = Forwards.training(m, 1);
      TowerOutput q = TowerOutput.of(Tensors.create(m, new float[8], new Shape(4, 2)));

      TrainStep.Candidates c = CandidateColumns.build(new KitDotInteraction(1), q, q, q, Negatives.inBatch(null),
          new long[4], POS, null, fwd, m);

      assertThat(c.logQ()).isNull();
      assertThat(c.scoreLogQ()).isNull();
      assertThat(c.mask().toFloatArray()).containsExactly(0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0);
    }
  }
}

package org.towerlab.modules.rankflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.LossContract;

class RankflowTutorLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new RankflowTutorLoss(new RankflowTutorLossConfig(0.5, 1, false));
  }

  @Override
  protected Set<String> stopGradients() {
    return Set.of("listTeacher");
  }

  private static RankflowTutorLoss loss(double alpha, int k, boolean logit) {
    return new RankflowTutorLoss(new RankflowTutorLossConfig(alpha, k, logit));
  }

  /** The loss of one batch of lists and the gradient to the student's scores. */
  private static Gradients.Result run(RankflowTutorLoss loss, float[] student, float[] teacher, float[] mask, int len) {
    int rows = student.length / len;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray s = Tensors.create(m, student, new Shape(rows, len));
      return Gradients.of(Map.of("s", s), () -> {
        NDManager bm = m.newSubManager();
        LossInput in = new LossInput.Builder()
            .list(s, Tensors.create(bm, new float[rows * len], new Shape(rows, len)),
                Tensors.create(bm, mask, new Shape(rows, len)))
            .listTeacher(Tensors.create(bm, teacher, new Shape(rows, len)))
            .build();
        return loss.compute(in, Forwards.training(bm, 1));
      });
    }
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void compute_handExample_rankOfTheTeachersTopOnePlusMseOnSigmoids() {
    float[] s = {0.5f, -1f, 2f};
    float[] t = {3f, 0f, 1f}; // teacher's top-1: slot 0
    double ys0 = sigmoid(0.5);
    double ys1 = sigmoid(-1);
    double ys2 = sigmoid(2);
    double rank = -Math.log(sigmoid(ys0 - (ys1 + ys2) / 2));
    double mse = (Math.pow(ys0 - sigmoid(3), 2) + Math.pow(ys1 - sigmoid(0), 2) + Math.pow(ys2 - sigmoid(1), 2)) / 3;

    float value = run(loss(0.3, 1, false), s, t, ones(3), 3).value();

    assertThat((double) value).isCloseTo(0.3 * rank + 0.7 * mse, within(1e-6));
  }

  @Test
  void compute_constantStudent_rankTermIsLog2() {
    float[] t = {0.3f, 2f, -1f, 0.7f, 5f, 1f};
    for (boolean logit : new boolean[] {false, true}) {
      float value = run(loss(1.0, 2, logit), new float[] {1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f}, t, ones(6), 6).value();
      assertThat((double) value).as("use-logit %s", logit).isCloseTo(Math.log(2), within(1e-6));
    }
  }

  @Test
  void compute_permutationsInsideTheTopKAndInsideTheRest_sameRankTerm() {
    float[] t = {4f, 0f, 1f, 3f, -2f}; // top-2: slots 0 and 3; rest: 1, 2, 4
    float[] s = {0.2f, 1.1f, -0.4f, 0.9f, 2.0f};
    float[] swapped = {0.9f, 2.0f, 1.1f, 0.2f, -0.4f}; // 0<->3 in the top, a cycle of 1, 2, 4 in the rest

    float a = run(loss(1.0, 2, true), s, t, ones(5), 5).value();
    float b = run(loss(1.0, 2, true), swapped, t, ones(5), 5).value();

    assertThat(b).isCloseTo(a, within(1e-6f));
  }

  @Test
  void compute_studentSeparatesTheTeachersTop_rankTermTendsToZero() {
    float[] t = {4f, 0f, 1f, 3f};
    float value = run(loss(1.0, 2, true), new float[] {20f, -20f, -20f, 20f}, t, ones(4), 4).value();

    assertThat(value).isLessThan(1e-12f).isGreaterThanOrEqualTo(0f);
  }

  @Test
  void compute_alphaZeroAndStudentEqualsTeacher_zeroLossAndZeroGradient() {
    float[] t = {0.4f, -1.2f, 2.5f, 0.1f, 3f, -0.3f};

    Gradients.Result r = run(loss(0.0, 2, false), t.clone(), t, ones(6), 3);

    assertThat(r.value()).isEqualTo(0f);
    assertThatArray(r.of("s")).isAllZero();
  }

  @Test
  void compute_listWithNoSlotOutsideTheTopK_takesNoPartInTheRankTerm() {
    float[] s = {0.5f, -1f, 2f, 7f, 0f, 0f};
    float[] t = {3f, 0f, 1f, 1f, 0f, 0f};
    float[] mask = {1, 1, 1, 1, 0, 0}; // list 1 has one valid slot: all of it is the top-1

    float both = run(loss(1.0, 1, true), s, t, mask, 3).value();
    float first = run(loss(1.0, 1, true), new float[] {0.5f, -1f, 2f}, new float[] {3f, 0f, 1f}, ones(3), 3).value();

    assertThat(both).isCloseTo(first, within(1e-6f));
  }

  @Test
  void topK_tiesAndMaskedSlots_earlierValidSlotsFirst() {
    float[] t = {1f, 5f, 5f, 9f, 5f};
    float[] mask = {1, 1, 1, 0, 1}; // slot 3 (the largest) is padding

    assertThat(RankflowTutorLoss.topK(t, mask, 1, 5, 2)).containsExactly(0f, 1f, 1f, 0f, 0f);
  }
}

package org.towerlab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Parameterized;

/**
 * The contract every {@link Loss} passes. A component test extends it and supplies a factory:
 *
 * <pre>
 * class BprLossTest extends LossContract {
 *   &#64;Override
 *   protected Loss newLoss() {
 *     return new BprLoss();
 *   }
 * }
 * </pre>
 *
 * <p>Each check builds a fresh loss (a {@link Parameterized} one is initialized under {@code loss}
 * on {@link TinyData#split()} with seed 1) and runs it, for every row mode of {@link #modes()}
 * (default: the loss's own {@link Loss#rows()}), on {@link #batch} (default {@link LossBatch#of}:
 * 4 rows with masked candidate columns, a fully masked row, logQ, labels, a teacher, lists with
 * padding). The differentiable inputs are {@code scores}, {@code negatives} and
 * {@code listScores}, and the tower heads {@code queryHeads}, {@code itemHeads} when a test's batch
 * carries them ({@link LossBatch#withHeads}: a loss that scores heads itself). It checks exactly this:
 * <ol>
 *   <li><b>scalar</b>: the loss is a finite scalar (rank 0) in every mode;
 *   <li><b>gradients</b>: the gradients with respect to the differentiable inputs and the loss's own
 *       parameters are finite, and the gradient to the mode's pair or list scores is not all zero;
 *   <li><b>masks</b>: a candidate column with {@code negativeMask = 0} and a list slot with
 *       {@code listMask = 0} get exactly zero gradient;
 *   <li><b>weights</b>: with row weights {@code (1, 0, 2, 0.5)}, every input of row 1 gets exactly
 *       zero gradient and the loss stays finite;
 *   <li><b>row order</b>: permuting the rows (every row-aligned field alike) leaves the value
 *       unchanged and permutes the gradients, within {@link #tolerance()};
 *   <li><b>stop-gradients</b> (only when {@link #stopGradients()} is not empty): each declared input
 *       takes part in the value (adding 0.5 to it changes the loss) yet receives exactly zero
 *       gradient.
 * </ol>
 */
public abstract class LossContract {
  private static final List<String> DIFFERENTIABLE = List.of("scores", "negatives", "listScores", "queryHeads",
      "itemHeads");

  /** A new loss (not yet initialized if it is {@link Parameterized}). */
  protected abstract Loss newLoss();

  /** The row modes to check: those the loss accepts. */
  protected List<TrainingRows> modes() {
    return newLoss().rows();
  }

  /** The input of a mode (override to add labels or outputs the loss reads). */
  protected LossBatch batch(TrainingRows mode) {
    return LossBatch.of(mode, 11);
  }

  /**
   * Inputs the loss promises to pass no gradient through, by {@link LossBatch#arrays} name
   * ({@code teacher}, {@code listTeacher}, ...); empty by default.
   */
  protected Set<String> stopGradients() {
    return Set.of();
  }

  protected Tolerance tolerance() {
    return Tolerance.relative(1e-5, 1e-6);
  }

  /** The split a {@link Parameterized} loss is initialized on. */
  protected Split split() {
    return TinyData.split();
  }

  private Loss init(TestParams params) {
    Loss loss = newLoss();
    if (loss instanceof Parameterized p) {
      p.initialize(params.loss(split()));
    }
    return loss;
  }

  /** Runs the loss on {@code batch} and returns the value and gradients (inputs as {@code input.<name>}). */
  private Gradients.Result run(NDManager manager, TestParams params, Loss loss, LossBatch batch,
      List<String> inputs) {
    try (NDManager bm = manager.newSubManager()) {
      Map<String, NDArray> arrays = batch.arrays(bm);
      Map<String, NDArray> wrt = new LinkedHashMap<>(params.all());
      for (String name : inputs) {
        if (arrays.containsKey(name)) {
          wrt.put("input." + name, arrays.get(name));
        }
      }
      return Gradients.of(wrt, () -> {
        NDArray value = loss.compute(LossBatch.input(arrays), Forwards.training(bm, 1));
        assertThat(value.getShape().isScalar()).as(batch.mode + ": the loss has shape %s, not a scalar",
            value.getShape()).isTrue();
        return value;
      });
    }
  }

  /** The inputs of which some must get a gradient: the mode's scores, and any tower heads. */
  private static List<String> primary(TrainingRows mode, LossBatch batch) {
    if (mode == TrainingRows.LISTS) {
      return List.of("input.listScores");
    }
    return batch.queryHeads == null ? List.of("input.scores")
        : List.of("input.scores", "input.queryHeads", "input.itemHeads");
  }

  @Test
  void compute_everyMode_finiteScalar() {
    for (TrainingRows mode : modes()) {
      try (NDManager m = NDManager.newBaseManager()) {
        TestParams params = new TestParams(m, 1);
        Gradients.Result r = run(m, params, init(params), batch(mode), List.of());
        assertThat(Float.isFinite(r.value())).as(mode + ": loss %s is finite", r.value()).isTrue();
      }
    }
  }

  @Test
  void compute_backward_finiteGradientsThatReachTheScores() {
    for (TrainingRows mode : modes()) {
      try (NDManager m = NDManager.newBaseManager()) {
        TestParams params = new TestParams(m, 1);
        LossBatch batch = batch(mode);
        Gradients.Result r = run(m, params, init(params), batch, DIFFERENTIABLE);
        r.gradients().forEach((name, g) -> assertThatArray(g).as(mode + ": gradient of " + name).isFinite());
        List<String> primary = primary(mode, batch);
        assertThat(primary.stream().anyMatch(name -> Gradients.maxAbs(r.of(name)) > 0))
            .as(mode + ": some gradient of " + primary + " is not zero").isTrue();
      }
    }
  }

  @Test
  void compute_maskedCandidatesAndListSlots_exactlyZeroGradient() {
    boolean checked = false;
    for (TrainingRows mode : modes()) {
      LossBatch batch = batch(mode);
      try (NDManager m = NDManager.newBaseManager()) {
        TestParams params = new TestParams(m, 1);
        Gradients.Result r = run(m, params, init(params), batch, DIFFERENTIABLE);
        if (batch.negatives != null && batch.negativeMask != null) {
          checked = true;
          expectZeroWhere(r.of("input.negatives"), batch.negativeMask, mode + ": masked candidate column");
        }
        if (batch.listScores != null && batch.listMask != null) {
          checked = true;
          expectZeroWhere(r.of("input.listScores"), batch.listMask, mode + ": padded list slot");
        }
      }
    }
    Assumptions.assumeTrue(checked, "no accepted mode has masked candidates or list slots");
  }

  private static void expectZeroWhere(float[] gradient, float[] mask, String what) {
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] == 0f) {
        assertThat(gradient[i]).as("%s %d: gradient", what, i).isEqualTo(0f);
      }
    }
  }

  @Test
  void compute_zeroWeightRow_exactlyZeroGradientForThatRow() {
    for (TrainingRows mode : modes()) {
      LossBatch batch = batch(mode);
      batch.weights = new float[] {1f, 0f, 2f, 0.5f};
      try (NDManager m = NDManager.newBaseManager()) {
        TestParams params = new TestParams(m, 1);
        Gradients.Result r = run(m, params, init(params), batch, DIFFERENTIABLE);
        assertThat(Float.isFinite(r.value())).as(mode + ": weighted loss %s", r.value()).isTrue();
        for (String name : DIFFERENTIABLE) {
          if (!r.gradients().containsKey("input." + name)) {
            continue;
          }
          float[] g = r.of("input." + name);
          int width = g.length / batch.rows;
          for (int j = 0; j < width; j++) {
            assertThat(g[width + j]).as("%s: gradient of %s, row 1 (weight 0), column %d", mode, name, j)
                .isEqualTo(0f);
          }
        }
      }
    }
  }

  @Test
  void compute_permutedRows_sameValueAndPermutedGradients() {
    int[] perm = {2, 0, 3, 1};
    for (TrainingRows mode : modes()) {
      LossBatch batch = batch(mode);
      try (NDManager m = NDManager.newBaseManager()) {
        TestParams params = new TestParams(m, 1);
        Loss loss = init(params);
        Gradients.Result a = run(m, params, loss, batch, DIFFERENTIABLE);
        Gradients.Result b = run(m, params, loss, batch.permute(perm), DIFFERENTIABLE);
        assertThat(tolerance().accepts(b.value(), a.value()))
            .as("%s: loss of permuted rows %s vs %s", mode, b.value(), a.value()).isTrue();
        for (String name : DIFFERENTIABLE) {
          if (!a.gradients().containsKey("input." + name)) {
            continue;
          }
          float[] ga = a.of("input." + name);
          int width = ga.length / batch.rows;
          float[] expected = new float[ga.length];
          for (int i = 0; i < perm.length; i++) {
            System.arraycopy(ga, perm[i] * width, expected, i * width, width);
          }
          assertThatArray(b.of("input." + name)).as(mode + ": gradient of permuted " + name)
              .isCloseTo(expected, tolerance());
        }
      }
    }
  }

  @Test
  void compute_declaredStopGradients_takePartButPassNoGradient() {
    Assumptions.assumeFalse(stopGradients().isEmpty(), "the loss declares no stop-gradient");
    List<String> checked = new ArrayList<>();
    for (TrainingRows mode : modes()) {
      for (String name : stopGradients()) {
        LossBatch batch = batch(mode);
        try (NDManager probe = NDManager.newBaseManager()) {
          if (!batch.arrays(probe).containsKey(name)) {
            continue;
          }
        }
        try (NDManager m = NDManager.newBaseManager()) {
          TestParams params = new TestParams(m, 1);
          Loss loss = init(params);
          List<String> inputs = new ArrayList<>(DIFFERENTIABLE);
          inputs.add(name);
          Gradients.Result base = run(m, params, loss, batch, inputs);
          assertThatArray(base.of("input." + name)).as(mode + ": gradient through the stop-gradient " + name)
              .isAllZero();
          LossBatch shifted = batch(mode);
          shift(shifted, name);
          Gradients.Result moved = run(m, params, loss, shifted, List.of());
          assertThat(moved.value()).as("%s: the loss reads %s (adding 0.5 to it changes the value)", mode, name)
              .isNotEqualTo(base.value());
          checked.add(mode + ":" + name);
        }
      }
    }
    assertThat(checked).as("declared stop-gradients present in some mode's input").isNotEmpty();
  }

  private static void shift(LossBatch b, String name) {
    float[] v = switch (name) {
      case "teacher" -> b.teacher;
      case "listTeacher" -> b.listTeacher;
      case "scoreLogQ" -> b.scoreLogQ;
      case "negativeLogQ" -> b.negativeLogQ;
      case "weights" -> b.weights;
      case "scores" -> b.scores;
      case "negatives" -> b.negatives;
      case "listScores" -> b.listScores;
      case "listLabels" -> b.listLabels;
      case "queryHeads" -> b.queryHeads;
      case "itemHeads" -> b.itemHeads;
      default -> name.startsWith("label.") ? b.labels.get(name.substring(6)) : null;
    };
    if (v == null) {
      throw new IllegalArgumentException("unknown loss input '" + name + "'");
    }
    for (int i = 0; i < v.length; i++) {
      v[i] += 0.5f;
    }
  }
}

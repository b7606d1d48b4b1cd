package org.towerlab.modules.poly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.Tolerance;

/**
 * The interaction contract (query outputs with m = 3 context vectors of width 8, item outputs with
 * one vector) for both attention forms, plus the poly-encoder's invariants and a hand-checked
 * score.
 */
class PolyInteractionTest extends InteractionContract {
  private static final int CODES = 3;
  private static final int D = 8;

  @Override
  protected Interaction newInteraction() {
    return new PolyInteraction(new PolyInteractionConfig(null));
  }

  /** Queries: m = 3 context vectors (embedding = their mean, as PolyTower's); items: one vector. */
  @Override
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    return side == Side.QUERY ? contexts(random(manager, new Shape(n, CODES, D), rng))
        : TowerOutput.of(random(manager, new Shape(n, D), rng));
  }

  private static TowerOutput contexts(NDArray heads) {
    return new TowerOutput(heads.mean(new int[] {1}), heads, null, null, Map.of());
  }

  @Nested
  class SqrtAttention extends InteractionContract {
    @Override
    protected Interaction newInteraction() {
      return new PolyInteraction(new PolyInteractionConfig("sqrt"));
    }

    @Override
    protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
      return PolyInteractionTest.this.outputs(side, n, manager, rng);
    }
  }

  private NDManager m;
  private Forward fwd;
  private final PolyInteraction basic = new PolyInteraction(new PolyInteractionConfig("basic"));
  private final PolyInteraction sqrt = new PolyInteraction(new PolyInteractionConfig("sqrt"));

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    fwd = Forward.inference(m);
  }

  @AfterEach
  void close() {
    m.close();
  }

  private NDArray normal(long seed, long... shape) {
    Shape s = new Shape(shape);
    return Tensors.create(m, Init.normal(1.0).values(s, new SplittableRandom(seed)), s);
  }

  @Test
  void scoreAll_twoContextVectors_matchesHandComputedScore() {
    TowerOutput q = contexts(Tensors.create(m, new float[] {1, 0, 0, 1}, new Shape(1, 2, 2))); // Y = (1,0), (0,1)
    TowerOutput c = TowerOutput.of(Tensors.create(m, new float[] {2, 1}, new Shape(1, 2))); // y_c = (2, 1)
    // logits (2, 1); w = (e^2, e^1) / (e^2 + e^1) = (0.731059, 0.268941); s = 2 w1 + w2 = 1.731059
    assertThat(basic.scoreAll(q, c, fwd).getFloat()).isCloseTo(1.731059f, within(1e-5f));
    // sqrt: w = softmax(2 / sqrt 2, 1 / sqrt 2) = (0.669762, 0.330238); s = 1.669762
    assertThat(sqrt.scorePaired(q, c, 1, fwd).getFloat()).isCloseTo(1.669762f, within(1e-5f));
    assertThat(basic.candidateAttention(q, c, fwd).toFloatArray()).containsExactly(new float[] {0.731059f, 0.268941f},
        within(1e-5f));
  }

  /** The computed form {@code sum_j w_j <Y_j, y_c>} equals the paper's {@code <sum_j w_j Y_j, y_c>}. */
  @Test
  void scoreAll_randomOutputs_equalsTheLiteralAttendThenDotForm() {
    NDArray y = normal(1, 4, CODES, D);
    NDArray yc = normal(2, 6, D);
    for (PolyInteraction inter : new PolyInteraction[] {basic, sqrt}) {
      float[] scores = inter.scoreAll(contexts(y), TowerOutput.of(yc), fwd).toFloatArray(); // [4, 6]
      float[] w = inter.candidateAttention(contexts(y), TowerOutput.of(yc), fwd).toFloatArray(); // [4, 6, 3]
      float[] yv = y.toFloatArray();
      float[] cv = yc.toFloatArray();
      float[] expected = new float[4 * 6];
      for (int b = 0; b < 4; b++) {
        for (int c = 0; c < 6; c++) {
          double s = 0;
          for (int d = 0; d < D; d++) {
            double yf = 0;
            for (int j = 0; j < CODES; j++) {
              yf += w[(b * 6 + c) * CODES + j] * yv[(b * CODES + j) * D + d];
            }
            s += yf * cv[c * D + d];
          }
          expected[b * 6 + c] = (float) s;
        }
      }
      assertThatArray(scores).isCloseTo(expected, Tolerance.relative(1e-5, 1e-5));
    }
  }

  /** No cross-candidate leakage: a candidate scored alone equals its entry in the [B, C] block. */
  @Test
  void scoreAll_candidateScoredAlone_equalsItsEntryInTheBlock() {
    TowerOutput q = contexts(normal(3, 4, CODES, D));
    TowerOutput items = TowerOutput.of(normal(4, 5, D));
    float[] block = basic.scoreAll(q, items, fwd).toFloatArray(); // [4, 5]
    for (int c = 0; c < 5; c++) {
      float[] alone = basic.scoreAll(q, items.rows(c, c + 1), fwd).toFloatArray(); // [4, 1]
      for (int b = 0; b < 4; b++) {
        assertThat(alone[b]).as("query %d, candidate %d alone vs in the block", b, c)
            .isCloseTo(block[b * 5 + c], within(1e-5f * Math.max(1f, Math.abs(block[b * 5 + c]))));
      }
      // and as the only paired candidate of every query
      NDArray same = items.embedding().get(c + ":" + (c + 1)).repeat(0, 4); // [4, D]
      float[] paired = basic.scorePaired(q, TowerOutput.of(same), 1, fwd).toFloatArray();
      for (int b = 0; b < 4; b++) {
        assertThat(paired[b]).isCloseTo(block[b * 5 + c], within(1e-5f * Math.max(1f, Math.abs(block[b * 5 + c]))));
      }
    }
  }

  @Test
  void candidateAttention_everyPair_sumsToOneOverTheContextVectors() {
    TowerOutput q = contexts(normal(5, 3, CODES, D));
    TowerOutput items = TowerOutput.of(normal(6, 7, D));
    for (PolyInteraction inter : new PolyInteraction[] {basic, sqrt}) {
      NDArray w = inter.candidateAttention(q, items, fwd); // [3, 7, m]
      assertThatArray(w).hasShape(3, 7, CODES);
      assertThatArray(w.sum(new int[] {2})).isCloseTo(m.ones(new Shape(3, 7)), Tolerance.relative(1e-6, 1e-6));
    }
  }

  /** Identical context vectors: the score is {@code <Y_0, y_c>} whatever the attention weights. */
  @Test
  void scoreAll_identicalContextVectors_scoreIsTheDotProductWhateverTheAttention() {
    NDArray v = normal(7, 2, 1, D); // one vector per query
    NDArray y = v.repeat(1, CODES); // [2, m, D], all m rows equal
    NDArray yc = normal(8, 4, D);
    float[] dot = v.reshape(2, D).matMul(yc.transpose()).toFloatArray(); // [2, 4]
    for (PolyInteraction inter : new PolyInteraction[] {basic, sqrt}) {
      assertThatArray(inter.scoreAll(contexts(y), TowerOutput.of(yc), fwd)).isCloseTo(dot, Tolerance.relative(1e-5,
          1e-5));
    }
    // and with any other weights summing to 1, the attended context is still Y_0
    float[] w = {0.7f, 0.2f, 0.1f};
    float[] yv = y.toFloatArray();
    float[] cv = yc.toFloatArray();
    for (int b = 0; b < 2; b++) {
      for (int c = 0; c < 4; c++) {
        double s = 0;
        for (int d = 0; d < D; d++) {
          double yf = 0;
          for (int j = 0; j < CODES; j++) {
            yf += w[j] * yv[(b * CODES + j) * D + d];
          }
          s += yf * cv[c * D + d];
        }
        assertThat((float) s).isCloseTo(dot[b * 4 + c], within(1e-4f));
      }
    }
  }

  /** m = 1: the poly-encoder is a bi-encoder (a dot product of the two vectors). */
  @Test
  void scoreAll_oneContextVector_equalsTheDotProduct() {
    NDArray y = normal(9, 3, 1, D);
    NDArray yc = normal(10, 5, D);
    TowerOutput q = new TowerOutput(y.reshape(3, D), y, null, null, Map.of());
    KitDotInteraction dot = new KitDotInteraction(1.0);
    for (PolyInteraction inter : new PolyInteraction[] {basic, sqrt}) {
      assertThatArray(inter.scoreAll(q, TowerOutput.of(yc), fwd)).isCloseTo(dot.scoreAll(q, TowerOutput.of(yc), fwd),
          Tolerance.relative(1e-5, 1e-6));
      // a query output without heads counts as that one vector
      assertThatArray(inter.scoreAll(TowerOutput.of(y.reshape(3, D)), TowerOutput.of(yc), fwd))
          .isCloseTo(dot.scoreAll(q, TowerOutput.of(yc), fwd), Tolerance.relative(1e-5, 1e-6));
    }
  }

  @Test
  void flopsPerPair_threeCodesOfWidthEight_countsDotsSoftmaxAndWeightedSum() {
    TowerOutput q = contexts(normal(11, 1, CODES, D));
    TowerOutput items = TowerOutput.of(normal(12, 2, D));
    // 2 m d + 7 m = 48 + 21; sqrt adds m divisions
    assertThat(basic.flopsPerPair(q, items)).isEqualTo(69);
    assertThat(sqrt.flopsPerPair(q, items)).isEqualTo(72);
    basic.scoreAll(q, items, fwd);
    assertThat(basic.flopsPerPair(D)).isEqualTo(69);
  }

  @Test
  void scoreAll_widthMismatch_userErrorNamingBothWidths() {
    TowerOutput q = contexts(normal(13, 1, CODES, D));
    TowerOutput items = TowerOutput.of(normal(14, 2, 5));
    assertThatThrownBy(() -> basic.scoreAll(q, items, fwd)).isInstanceOf(UserException.class)
        .hasMessageContaining("gives 8").hasMessageContaining("item tower 5");
  }

  @Test
  void config_unknownAttention_namesTheValue() {
    assertThatThrownBy(() -> new PolyInteractionConfig("multihead")).hasMessageContaining("'multihead'");
  }
}

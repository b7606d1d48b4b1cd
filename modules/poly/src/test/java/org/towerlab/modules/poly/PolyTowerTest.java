package org.towerlab.modules.poly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.api.testkit.TowerContract;

/**
 * The tower contract on both sides of the kit's tiny data (every field kind: a categorical, a
 * multi-categorical with an empty bag, a dense field and a padded behaviour sequence per side),
 * plus the poly-encoder's code-attention invariants.
 */
class PolyTowerTest extends TowerContract {

  private static PolyTowerConfig config(int codes, Boolean positions, List<String> fields) {
    return new PolyTowerConfig(fields, codes, 4, List.of(6), 5, positions, null, null, null);
  }

  @Override
  protected Tower newTower(Side side) {
    return new PolyTower(config(3, true, null), "$.model.tower");
  }

  private static PolyTower init(PolyTowerConfig config, NDManager m, Side side) {
    PolyTower t = new PolyTower(config, "$.model.query-tower");
    t.initialize(new TestParams(m, 1).tower(TinyData.split(), side));
    return t;
  }

  private static FeatureBatch users(NDManager m) {
    return Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(TinyData.USERS), m);
  }

  @Test
  void codeAttention_everyCode_sumsToOneOverRealTokensAndIsExactlyZeroOnPadding() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolyTower tower = init(config(3, true, null), m, Side.QUERY);
      PolyTower.CodeAttention a = tower.codeAttention(users(m), Forwards.inference(m));
      float[] w = a.weights().toFloatArray(); // [4, 3, T]
      float[] mask = a.mask().toFloatArray(); // [4, T]
      int n = TinyData.USERS;
      int t = mask.length / n;
      // tokens: id, age, tags (2), profile, history (3) = 8; user 2 has no tag, user 0 one tag, ...
      assertThat(t).isEqualTo(8);
      int pads = 0;
      for (float v : mask) {
        pads += v == 0f ? 1 : 0;
      }
      assertThat(pads).as("padded tokens in the batch").isPositive();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < 3; j++) {
          double sum = 0;
          for (int k = 0; k < t; k++) {
            float wk = w[(i * 3 + j) * t + k];
            if (mask[i * t + k] == 0f) {
              assertThat(wk).as("weight of user %d, code %d on padded token %d", i, j, k).isEqualTo(0f);
            } else {
              assertThat(wk).isGreaterThan(0f);
            }
            sum += wk;
          }
          assertThat(sum).as("attention of user %d, code %d", i, j).isCloseTo(1.0, within(1e-5));
        }
      }
    }
  }

  /** Pads appended on the side the batch pads: left of a sequence, right of a bag. */
  @Test
  void encode_extraPadTokens_sameOutputs() {
    for (boolean positions : new boolean[] {true, false}) {
      try (NDManager m = NDManager.newBaseManager()) {
        PolyTower tower = init(config(3, positions, null), m, Side.QUERY);
        FeatureBatch base = users(m);
        Map<String, NDArray> fields = new LinkedHashMap<>(base.fields());
        NDArray history = base.field("history"); // [4, 3], left-padded
        NDArray tags = base.field("tags"); // [4, 2], right-padded
        NDArray zeros2 = m.zeros(new ai.djl.ndarray.types.Shape(4, 2), DataType.INT64);
        fields.put("history", NDArrays.concat(new NDList(zeros2, history), 1)); // [4, 5]
        fields.put("tags", NDArrays.concat(new NDList(tags, zeros2), 1)); // [4, 4]
        FeatureBatch padded = new FeatureBatch(Side.QUERY, base.ids(), base.idTensor(), fields);
        TowerOutput a = tower.encode(base, Forwards.inference(m));
        TowerOutput b = tower.encode(padded, Forwards.inference(m));
        assertThatArray(b.heads()).as("context vectors with 4 more pad tokens, positions " + positions)
            .isCloseTo(a.heads(), Tolerance.relative(1e-5, 1e-6));
        assertThatArray(b.embedding()).isCloseTo(a.embedding(), Tolerance.relative(1e-5, 1e-6));
        if (!positions) {
          // without recency embeddings, pads on the right of a sequence are as harmless
          fields.put("history", NDArrays.concat(new NDList(history, zeros2), 1)); // [4, 5]
          FeatureBatch right = new FeatureBatch(Side.QUERY, base.ids(), base.idTensor(), fields);
          assertThatArray(tower.encode(right, Forwards.inference(m)).heads()).isCloseTo(a.heads(),
              Tolerance.relative(1e-5, 1e-6));
        }
      }
    }
  }

  /** m = 1: the one context vector (and the embedding) is the code's attention pooling of the tokens. */
  @Test
  void encode_oneCode_embeddingIsTheAttentionPoolingOfTheTokenOutputs() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolyTower tower = init(config(1, true, null), m, Side.QUERY);
      FeatureBatch batch = users(m);
      Forward fwd = Forwards.inference(m);
      NDArray[] tokens = tower.tokens(batch, fwd);
      float[] h = tokens[0].toFloatArray(); // [4, T, 5]
      float[] w = tower.codeAttention(batch, fwd).weights().toFloatArray(); // [4, 1, T]
      int t = (int) tokens[0].getShape().get(1);
      float[] expected = new float[4 * 5];
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < t; k++) {
          for (int d = 0; d < 5; d++) {
            expected[i * 5 + d] += w[i * t + k] * h[(i * t + k) * 5 + d];
          }
        }
      }
      TowerOutput out = tower.encode(batch, fwd);
      assertThatArray(out.heads()).hasShape(4, 1, 5);
      assertThatArray(out.embedding()).isCloseTo(expected, Tolerance.relative(1e-5, 1e-6));
    }
  }

  /** A context with no real token (only an empty history) gives zero context vectors, not NaN. */
  @Test
  void encode_onlyPadding_zeroContextVectors() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolyTower tower = init(config(2, true, List.of("history")), m, Side.QUERY);
      // at time 0 no user has a history yet
      FeatureBatch batch = Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), new long[] {0, 0, 0, 0}, m);
      TowerOutput out = tower.encode(batch, Forwards.inference(m));
      assertThatArray(out.heads()).hasShape(4, 2, 5).isFinite().isAllZero();
    }
  }

  @Test
  void encode_training_logsTheCodeAttentionEntropy() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolyTower tower = init(config(3, true, null), m, Side.QUERY);
      Forward fwd = Forwards.training(m, 1);
      tower.encode(users(m), fwd);
      // 8 tokens at most: the entropy is between 0 and ln 8
      assertThat(fwd.metrics().get("poly-code-entropy")).isBetween(0.0, Math.log(8) + 1e-6);
    }
  }

  @Test
  void initialize_unknownField_userErrorNamingTheFields() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> init(config(2, true, List.of("nope")), m, Side.QUERY))
          .isInstanceOf(UserException.class).hasMessageContaining("'nope'").hasMessageContaining("history");
    }
  }

  @Test
  void config_badValues_nameTheValue() {
    assertThatThrownBy(() -> new PolyTowerConfig(null, 0, null, null, null, null, null, null, null))
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> new PolyTowerConfig(null, null, null, null, null, null, "multihead", null, null))
        .hasMessageContaining("'multihead'");
  }
}

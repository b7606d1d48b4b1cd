package org.towerlab.modules.tarq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

class TarqModelTest {
  private static final int L = 2;
  private static final int K = 3;
  private static final int D = 8;
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static TarqModelConfig config(Boolean backbone) {
    return Fixtures.config(L, K, null, null, null, null, backbone);
  }

  private TowerOutput users(TarqModel model, long[] ids, Forward fwd) {
    return model.queryTower().encode(Fixtures.batch(Side.QUERY, ids, fwd.manager()), fwd);
  }

  private TowerOutput items(TarqModel model, long[] ids, Forward fwd) {
    return model.itemTower().encode(Fixtures.batch(Side.ITEM, ids, fwd.manager()), fwd);
  }

  @Test
  void encode_inference_shapesOfThePersonalizedCodebookAndTheCodes() {
    TarqModel model = Fixtures.tarq(config(true), manager, 1).model();
    Forward fwd = Forward.inference(manager);
    TowerOutput u = users(model, Fixtures.range(5), fwd);
    TowerOutput it = items(model, Fixtures.range(7), fwd);
    assertThat(u.heads().getShape()).isEqualTo(new Shape(5, L * K, D));
    assertThat(u.embedding().getShape()).isEqualTo(new Shape(5, D));
    assertThat(u.extras()).isEmpty(); // the teacher's user side exists only in training passes
    assertThat(it.codes().getShape()).isEqualTo(new Shape(7, L));
    assertThat(it.embedding().getShape()).isEqualTo(new Shape(7, D));
    assertThat(it.extras()).containsKey(TarqItemTower.QUERY);
    assertThat(model.interaction().itemSidePrecomputable()).isTrue();
  }

  @Test
  void scoreAll_isTheSumOverLevelsOfTheUsersVectorsAtTheItemsCodesPlusTheBackbone() {
    for (String item : new String[] {"exact", "quantized"}) {
      TarqModel model = Fixtures.tarq(Fixtures.config(L, K, null, null, null, null, true, item), manager, 2).model();
      Forward fwd = Forward.inference(manager);
      TowerOutput u = users(model, Fixtures.range(4), fwd);
      TowerOutput it = items(model, Fixtures.range(Fixtures.ITEMS), fwd);
      float[] scores = model.interaction().scoreAll(u, it, fwd).toFloatArray();
      float[] xbar = u.heads().toFloatArray();
      float[] v = u.embedding().toFloatArray();
      long[] codes = it.codes().toLongArray();
      float[] qhat = it.embedding().toFloatArray();
      float[] x = item.equals("exact") ? it.extras().get(TarqItemTower.QUERY).toFloatArray() : qhat;
      for (int b = 0; b < 4; b++) {
        for (int m = 0; m < Fixtures.ITEMS; m++) {
          double s = 0;
          for (int j = 0; j < D; j++) {
            double h = 0;
            for (int l = 0; l < L; l++) {
              h += xbar[(b * L * K + l * K + (int) codes[m * L + l]) * D + j];
            }
            s += h * qhat[m * D + j] + v[b * D + j] * x[m * D + j];
          }
          assertThat(scores[b * Fixtures.ITEMS + m]).as(item).isCloseTo((float) s, within(1e-4f));
        }
      }
    }
  }

  @Test
  void scorePaired_agreesWithScoreAll() {
    TarqModel model = Fixtures.tarq(config(true), manager, 3).model();
    Forward fwd = Forward.inference(manager);
    TowerOutput u = users(model, Fixtures.range(3), fwd);
    float[] all = model.interaction().scoreAll(u, items(model, Fixtures.range(Fixtures.ITEMS), fwd), fwd)
        .toFloatArray();
    long[] pairs = {4, 1, 9, 0, 0, 7}; // two items per user
    float[] paired = model.interaction().scorePaired(u, items(model, pairs, fwd), 2, fwd).toFloatArray();
    for (int b = 0; b < 3; b++) {
      for (int j = 0; j < 2; j++) {
        assertThat(paired[b * 2 + j]).isCloseTo(all[b * Fixtures.ITEMS + (int) pairs[b * 2 + j]], within(1e-5f));
      }
    }
  }

  @Test
  void personalizedCodebook_doesNotChangeWithTheNumberOfCandidates() {
    TarqModel model = Fixtures.tarq(config(true), manager, 4).model();
    Forward fwd = Forward.inference(manager);
    long[] ids = Fixtures.range(6);
    float[] alone = users(model, ids, fwd).heads().toFloatArray();
    TowerOutput u = users(model, ids, fwd);
    TowerOutput few = items(model, new long[] {2, 5, 7}, fwd);
    TowerOutput many = items(model, Fixtures.range(Fixtures.ITEMS), fwd);
    float[] sFew = model.interaction().scoreAll(u, few, fwd).toFloatArray();
    float[] sMany = model.interaction().scoreAll(u, many, fwd).toFloatArray();
    assertThat(u.heads().toFloatArray()).containsExactly(alone);
    for (int b = 0; b < 6; b++) {
      assertThat(sFew[b * 3]).isEqualTo(sMany[b * Fixtures.ITEMS + 2]);
      assertThat(sFew[b * 3 + 1]).isEqualTo(sMany[b * Fixtures.ITEMS + 5]);
      assertThat(sFew[b * 3 + 2]).isEqualTo(sMany[b * Fixtures.ITEMS + 7]);
    }
  }

  @Test
  void score_itemsWithEqualCodes_scoreEquallyForEveryUser() {
    // one level of two codes for ten items: codes repeat, while the items' unquantized queries differ.
    // With the quantized backbone the whole score depends on the codes only; with the exact backbone
    // the attention term does (the score minus <v_u, q>)
    for (String item : new String[] {"quantized", "exact"}) {
      TarqModel model = Fixtures.tarq(Fixtures.config(1, 2, null, null, null, null, true, item), manager, 5).model();
      Forward fwd = Forward.inference(manager);
      TowerOutput u = users(model, Fixtures.range(Fixtures.USERS), fwd);
      TowerOutput it = items(model, Fixtures.range(Fixtures.ITEMS), fwd);
      NDArray all = model.interaction().scoreAll(u, it, fwd); // [U, I]
      NDArray q = it.extras().get(TarqItemTower.QUERY); // [I, d]
      float[] s = (item.equals("exact") ? all.sub(u.embedding().matMul(q.transpose())) : all).toFloatArray();
      long[] codes = it.codes().toLongArray();
      float[] qs = q.toFloatArray();
      int pairs = 0;
      for (int a = 0; a < Fixtures.ITEMS; a++) {
        for (int c = a + 1; c < Fixtures.ITEMS; c++) {
          if (codes[a] != codes[c]) {
            continue;
          }
          pairs++;
          assertThat(Arrays.copyOfRange(qs, a * D, a * D + D)).isNotEqualTo(Arrays.copyOfRange(qs, c * D, c * D + D));
          for (int b = 0; b < Fixtures.USERS; b++) {
            assertThat(s[b * Fixtures.ITEMS + a]).as(item).isCloseTo(s[b * Fixtures.ITEMS + c], within(1e-5f));
          }
        }
      }
      assertThat(pairs).isPositive();
    }
  }

  @Test
  void identityCodes_oneLevelOneCodePerItem_scoreIsTheUnquantizedTargetAttention() {
    // L = 1 and K = number of items, with codeword i set to item i's query: every item is its own code,
    // quantization is lossless, and the score is the student's target attention with the exact query
    TarqModelConfig c = Fixtures.config(1, Fixtures.ITEMS, null, null, null, null, true);
    Fixtures.Built built = Fixtures.tarq(c, manager, 6);
    TarqModel model = built.model();
    Forward fwd = Forward.inference(manager);
    NDArray q = items(model, Fixtures.range(Fixtures.ITEMS), fwd).extras().get(TarqItemTower.QUERY); // [I, d]
    built.params().all().get("model.quantizer.level-1.codebook").set(q.toFloatArray());
    Forward next = Forward.inference(manager);
    TowerOutput it = items(model, Fixtures.range(Fixtures.ITEMS), next);
    assertThat(it.codes().toLongArray()).containsExactly(Fixtures.range(Fixtures.ITEMS));
    TowerOutput u = users(model, Fixtures.range(Fixtures.USERS), next);
    float[] scores = model.interaction().scoreAll(u, it, next).toFloatArray();
    // the plain lookup: the user's personalized vector of code i, read out with codeword i
    TarqUserTower tower = (TarqUserTower) model.queryTower();
    TowerOutput student = tower.student().encode(Fixtures.batch(Side.QUERY, Fixtures.range(Fixtures.USERS), manager), next);
    NDArray h = tower.studentAttention().attend(student,
        q.expandDims(0).repeat(0, Fixtures.USERS), next); // [U, I, d]: per-pair target attention
    float[] exact = tower.studentAttention().readout(h, student, q.expandDims(0)).toFloatArray();
    assertThat(scores).containsExactly(exact, within(1e-4f));
  }

  /** One training pass of both towers and the coupling over in-batch candidates; returns the named aux term. */
  private NDArray coupledStep(TarqModel model, Forward fwd, String term) {
    long[] users = {1, 2, 3, 4, 5, 6};
    long[] pos = {1, 2, 3, 4, 5, 7};
    TowerOutput u = users(model, users, fwd);
    TowerOutput it = items(model, pos, fwd);
    float[] ones = new float[users.length];
    Arrays.fill(ones, 1f);
    Coupling.Sampled sampled = new Coupling.Sampled(null, new long[0], true, 0, 0);
    ((Coupling) model.queryTower()).couple(new Coupling.Pairs(Side.QUERY, u, it,
        Map.of("positive", Tensors.create(fwd.manager(), ones)), users, pos, sampled), fwd);
    assertThat(fwd.auxLosses()).containsKeys("tarq-teacher", "tarq-rec", "tarq-align", "tarq-commitment",
        "tarq-codebook");
    return fwd.auxLosses().get(term);
  }

  /** Sum of |gradient| over the parameters whose name starts with {@code prefix}. */
  private static double gradient(Params params, String prefix) {
    double s = 0;
    for (Map.Entry<String, NDArray> e : params.trainable().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        s += e.getValue().getGradient().abs().sum().getFloat();
      }
    }
    return s;
  }

  private Params backward(String term, long seed) {
    Fixtures.Built built = Fixtures.tarq(config(true), manager, seed);
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(3), 0, 0);
      NDArray loss = coupledStep(built.model(), fwd, term);
      assertThat(loss.getFloat()).isPositive();
      gc.backward(loss);
    }
    return built.params();
  }

  @Test
  void couple_alignmentLoss_givesNoGradientToTheTeacher() {
    Params p = backward("tarq-align", 7);
    assertThat(gradient(p, "model.teacher.")).isZero();
    assertThat(gradient(p, "model.query-tower.attention.")).as("the student's attention learns").isPositive();
    assertThat(gradient(p, "model.item-tower.")).as("phi learns, as in the official code").isPositive();
    assertThat(gradient(p, "model.quantizer.")).as("gradient codebooks learn").isPositive();
  }

  @Test
  void couple_reconstructionLoss_givesNoGradientToTheTeacher() {
    Params p = backward("tarq-rec", 8);
    assertThat(gradient(p, "model.teacher.")).isZero();
    assertThat(gradient(p, "model.query-tower.")).isPositive();
  }

  @Test
  void couple_teacherLoss_trainsTheTeacherAndNotTheStudentsUserSide() {
    Params p = backward("tarq-teacher", 9);
    assertThat(gradient(p, "model.teacher.user.")).isPositive();
    assertThat(gradient(p, "model.teacher.attention.")).isPositive();
    assertThat(gradient(p, "model.query-tower.")).isZero();
  }

  @Test
  void couple_sameSeed_sameTerms() {
    float[][] values = new float[2][];
    for (int run = 0; run < 2; run++) {
      TarqModel model = Fixtures.tarq(config(true), manager, 10).model();
      try (NDManager bm = manager.newSubManager()) {
        Forward fwd = new Forward(bm, true, new SplittableRandom(4), 0, 0);
        coupledStep(model, fwd, "tarq-align");
        values[run] = new float[] {fwd.auxLosses().get("tarq-teacher").getFloat(),
            fwd.auxLosses().get("tarq-rec").getFloat(), fwd.auxLosses().get("tarq-align").getFloat()};
      }
    }
    assertThat(values[1]).containsExactly(values[0]);
  }

  @Test
  void initialize_noTeacher_createsNoTeacherWeights() {
    TarqModelConfig c = Fixtures.config(L, K, null, 0.0, null, null, true);
    assertThat(c.recWeight()).isZero();
    assertThat(c.alignWeight()).isZero();
    Fixtures.Built built = Fixtures.tarq(c, manager, 11);
    assertThat(built.params().all().keySet()).noneMatch(k -> k.startsWith("model.teacher."));
    try (NDManager bm = manager.newSubManager()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
      TowerOutput u = users(built.model(), new long[] {1, 2}, fwd);
      TowerOutput it = items(built.model(), new long[] {3, 4}, fwd);
      ((Coupling) built.model().queryTower()).couple(new Coupling.Pairs(Side.QUERY, u, it,
          Map.of("positive", Tensors.create(bm, new float[] {1f, 1f})), new long[] {1, 2}, new long[] {3, 4}, null), fwd);
      assertThat(fwd.auxLosses()).containsOnlyKeys("tarq-commitment", "tarq-codebook");
    }
  }

  @Test
  void initialize_emaCodebooks_areCheckpointedBuffersNotWeights() {
    Fixtures.Built built = Fixtures.tarq(Fixtures.config(L, K, "ema", null, null, null, true), manager, 12);
    Set<String> buffers = new HashSet<>(built.params().all().keySet());
    buffers.removeAll(built.params().trainable().keySet());
    assertThat(buffers).containsExactlyInAnyOrder(
        "model.quantizer.level-1.codebook", "model.quantizer.level-1.ema-count", "model.quantizer.level-1.ema-sum",
        "model.quantizer.level-2.codebook", "model.quantizer.level-2.ema-count", "model.quantizer.level-2.ema-sum");
  }

  @Test
  void flopsPerPair_isLinearInLevelsAndWidth() {
    TarqModel model = Fixtures.tarq(config(true), manager, 13).model();
    // (L - 1) d gathered-vector adds + 2 d for the attention term's dot + 2 d for the backbone's
    assertThat(model.interaction().flopsPerPair(D)).isEqualTo((L - 1) * D + 2L * D + 2L * D);
  }
}

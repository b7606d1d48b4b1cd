package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.TowerContract;
import org.towerlab.modules.baseline.MlpTower;
import org.towerlab.modules.baseline.MlpTowerConfig;

class TaskHeadsTowerTest extends TowerContract {
  private static final MlpTowerConfig BASE = new MlpTowerConfig(null, 4, List.of(8), 6, null, null);

  private static TaskHeadsTower tower(Tower base, Boolean normalize) {
    return new TaskHeadsTower(new TaskHeadsTowerConfig(BASE, 5, normalize), base, "$.model.query-tower");
  }

  @Override
  protected Tower newTower(Side side) {
    return tower(new MlpTower(BASE, "$.model.query-tower.base"), null);
  }

  @Test
  void encode_twoUnitHeadsAndTheEngagementHeadAsEmbedding() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tower t = newTower(Side.ITEM);
      t.initialize(new TestParams(m, 1).tower(TinyData.split(), Side.ITEM));
      FeatureBatch b = Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(6), m);
      TowerOutput out = t.encode(b, Forwards.inference(m));

      assertThat(out.heads().getShape().getShape()).containsExactly(6, 2, 5);
      assertThat(out.embedding().toFloatArray())
          .containsExactly(out.heads().get(":, 0, :").toFloatArray(), within(1e-7f));
      float[] norms = out.heads().square().sum(new int[] {2}).sqrt().toFloatArray();
      for (float n : norms) {
        assertThat(n).isCloseTo(1f, within(1e-5f));
      }
      assertThat(t.outputDim()).isEqualTo(5);
      assertThat(out.extras()).isEmpty(); // the base output travels only in training passes
    }
  }

  @Test
  void encode_withoutNormalize_rawLinearHeads() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tower t = tower(new MlpTower(BASE, "$.b"), false);
      t.initialize(new TestParams(m, 1).tower(TinyData.split(), Side.ITEM));
      TowerOutput out = t.encode(Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(6), m), Forwards.inference(m));
      float[] norms = out.heads().square().sum(new int[] {2}).sqrt().toFloatArray();
      boolean allUnit = true;
      for (float n : norms) {
        allUnit &= Math.abs(n - 1f) < 1e-3f;
      }
      assertThat(allUnit).isFalse();
    }
  }

  /** A base that records the outputs its coupling receives. */
  private static final class RecordingBase implements Tower, Coupling {
    private final MlpTower inner = new MlpTower(BASE, "$.b");
    final List<Coupling.Pairs> seen = new ArrayList<>();

    @Override
    public void initialize(InitContext ctx) {
      inner.initialize(ctx);
    }

    @Override
    public long outputDim() {
      return inner.outputDim();
    }

    @Override
    public TowerOutput encode(FeatureBatch features, Forward fwd) {
      return inner.encode(features, fwd);
    }

    @Override
    public void couple(Coupling.Pairs pairs, Forward fwd) {
      seen.add(pairs);
    }
  }

  @Test
  void couple_forwardsTheBaseOutputsOfBothSides() {
    try (NDManager m = NDManager.newBaseManager()) {
      RecordingBase qb = new RecordingBase();
      TaskHeadsTower q = tower(qb, null);
      TaskHeadsTower i = tower(new MlpTower(BASE, "$.i"), null);
      TestParams p = new TestParams(m, 1);
      q.initialize(p.tower(TinyData.split(), Side.QUERY));
      i.initialize(p.tower(TinyData.split(), Side.ITEM));
      Forward fwd = Forwards.training(m, 1);
      TowerOutput qo = q.encode(Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), m), fwd);
      TowerOutput io = i.encode(Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(6), m), fwd).rows(0, 4);

      q.couple(new Coupling.Pairs(Side.QUERY, qo, io, null, new long[4], new long[4], null), fwd);

      assertThat(qb.seen).hasSize(1);
      NDArray baseEmbedding = qb.seen.get(0).self().embedding();
      assertThat(baseEmbedding.getShape().getShape()).containsExactly(4, 6); // the base's width, not the head's
      assertThat(qb.seen.get(0).other().embedding().getShape().getShape()).containsExactly(4, 6);
      assertThat(TaskHeadsTower.unpack(TowerOutput.of(baseEmbedding)).embedding()).isSameAs(baseEmbedding);
    }
  }

  @Test
  void initialize_baseWithoutOutputWidth_userError() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tower t = tower(KitTower.allFields(4), null);
      assertThatThrownBy(() -> t.initialize(new TestParams(m, 1).tower(TinyData.split(), Side.ITEM)))
          .isInstanceOf(UserException.class).hasMessageContaining("output width");
    }
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new TaskHeadsTowerConfig(null, null, null)).hasMessageContaining("base");
    assertThatThrownBy(() -> new TaskHeadsTowerConfig(BASE, 0, null)).hasMessageContaining("got 0");
  }
}

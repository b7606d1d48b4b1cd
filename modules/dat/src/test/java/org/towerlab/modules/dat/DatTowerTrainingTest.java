package org.towerlab.modules.dat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * End-to-end smoke run: both DAT towers, the in-batch softmax over cosine / 0.1 that the example
 * config uses (re-implemented here, as modules/baseline is not a dependency), the mimic and CAL
 * terms, driven step by step as PlainTrainer does, with a plain Adam update.
 */
class DatTowerTrainingTest {

  @Test
  void training_fewEpochsOnTinySplit_lossIsFiniteAndDecreases() {
    Split split = TinyData.split(40, 30, 4, 320, 3, true);
    int batch = 64;
    int epochs = 12;
    try (NDManager manager = NDManager.newBaseManager()) {
      Params params = new Params(manager, new SplittableRandom(1)).scope("model");
      DatTower query = new DatTower(new DatTowerConfig(null, 8, List.of(16), 8, null, null, null, 0.5, null, null, null),
          "$.model.query-tower");
      DatTower item = new DatTower(new DatTowerConfig(null, 8, List.of(16), 8, null, null, null, 0.5, 1.0, null, null),
          "$.model.item-tower");
      query.initialize(new InitContext(params.scope("query-tower"), split, Side.QUERY));
      item.initialize(new InitContext(params.scope("item-tower"), split, Side.ITEM));
      Adam adam = new Adam(params, 0.01f);
      List<Double> epochLoss = new ArrayList<>();
      List<Double> epochMimic = new ArrayList<>();
      long step = 0;
      int n = split.train().size();
      for (int epoch = 0; epoch < epochs; epoch++) {
        double sum = 0;
        double mimic = 0;
        int count = 0;
        for (int start = 0; start + batch <= n; start += batch) {
          Map<String, Double> terms = step(split, query, item, start, batch, epoch, step++, manager);
          terms.values().forEach(v -> assertThat(v).isFinite());
          sum += terms.get("total");
          mimic += terms.get("dat-mimic-query") + terms.get("dat-mimic-item");
          count++;
          adam.step();
        }
        epochLoss.add(sum / count);
        epochMimic.add(mimic / count);
      }
      assertThat(epochLoss.get(epochs - 1)).isLessThan(epochLoss.get(0) * 0.9);
      assertThat(epochMimic.get(epochs - 1)).isLessThan(epochMimic.get(0));
    }
  }

  private static Map<String, Double> step(Split split, DatTower query, DatTower item, int start, int b, int epoch,
      long step, NDManager manager) {
    long[] q = new long[b];
    long[] pos = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = split.train().queries()[start + i];
      pos[i] = split.train().items()[start + i];
    }
    Map<String, Double> terms = new LinkedHashMap<>();
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(step), epoch, step);
      TowerOutput qo = query.encode(TinyData.batch(split, Side.QUERY, q, bm), fwd);
      TowerOutput po = item.encode(TinyData.batch(split, Side.ITEM, pos, bm), fwd);
      float[] eye = new float[b * b];
      float[] hits = new float[b * b];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < b; j++) {
          eye[i * b + j] = i == j ? 1f : 0f;
          hits[i * b + j] = i != j && pos[i] == pos[j] ? -1e9f : 0f; // accidental hits masked
        }
      }
      NDArray logits = qo.embedding().matMul(po.embedding().transpose())
          .div(Tensors.scalar(bm, 0.1f)).add(Tensors.create(bm, hits, new Shape(b, b))); // [B, B]
      NDArray main = logits.logSoftmax(1).mul(Tensors.create(bm, eye, new Shape(b, b))).sum(new int[] {1})
          .neg().mean(); // []
      float[] ones = new float[b];
      java.util.Arrays.fill(ones, 1f);
      Map<String, NDArray> labels = Map.of("positive", Tensors.create(bm, ones));
      query.couple(qo, po, labels, fwd);
      item.couple(po, qo, labels, fwd);
      NDArray total = main;
      for (Map.Entry<String, NDArray> e : fwd.auxLosses().entrySet()) {
        total = total.add(e.getValue());
        terms.put(e.getKey(), (double) e.getValue().getFloat());
      }
      gc.backward(total);
      terms.put("total", (double) total.getFloat());
    }
    assertThat(terms).containsKeys("dat-mimic-query", "dat-mimic-item", DatTower.CAL_LOSS);
    return terms;
  }

  /** Adam (Kingma and Ba) on Java arrays, so that no update array is left on the model's manager. */
  private static final class Adam {
    private final List<NDArray> params;
    private final List<float[]> m = new ArrayList<>();
    private final List<float[]> v = new ArrayList<>();
    private final float lr;
    private int t;

    Adam(Params params, float lr) {
      this.params = new ArrayList<>(params.all().values());
      this.lr = lr;
      for (NDArray p : this.params) {
        m.add(new float[(int) p.size()]);
        v.add(new float[(int) p.size()]);
      }
    }

    void step() {
      t++;
      for (int k = 0; k < params.size(); k++) {
        NDArray p = params.get(k);
        float[] w = p.toFloatArray();
        float[] g;
        try (NDArray grad = p.getGradient()) {
          g = grad.toFloatArray();
        }
        float[] mk = m.get(k);
        float[] vk = v.get(k);
        for (int i = 0; i < w.length; i++) {
          mk[i] = 0.9f * mk[i] + 0.1f * g[i];
          vk[i] = 0.999f * vk[i] + 0.001f * g[i] * g[i];
          double mh = mk[i] / (1 - Math.pow(0.9, t));
          double vh = vk[i] / (1 - Math.pow(0.999, t));
          w[i] -= (float) (lr * mh / (Math.sqrt(vh) + 1e-8));
        }
        p.set(w);
      }
    }
  }
}

package org.towerlab.modules.tarq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.NoGrad;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * End-to-end smoke run on the tiny data set, driven step by step as the trainer does: both towers,
 * the in-batch softmax over the student's scores (re-implemented here: modules/baseline is not a
 * dependency), every TARQ term, backward and an Adam update of the trainable weights. The losses
 * must stay finite and fall, and the diagnostics must be recorded, for gradient and EMA codebooks.
 */
class TarqTrainingTest {

  @Test
  void training_gradientCodebooks_lossesFallAndDiagnosticsAreRecorded() {
    run("gradient");
  }

  @Test
  void training_emaCodebooks_lossesFallAndDiagnosticsAreRecorded() {
    run("ema");
  }

  private void run(String update) {
    Split split = Fixtures.split();
    int n = split.train().size();
    int epochs = 15;
    try (NDManager manager = NDManager.newBaseManager()) {
      Fixtures.Built built = Fixtures.tarq(Fixtures.config(2, 4, update, null, null, null, true), manager, 1);
      Adam adam = new Adam(built.params(), 0.01f);
      List<Map<String, Double>> perEpoch = new ArrayList<>();
      long step = 0;
      SplittableRandom order = new SplittableRandom(2);
      for (int epoch = 0; epoch < epochs; epoch++) {
        Map<String, Double> sums = new LinkedHashMap<>();
        int[] rows = org.towerlab.api.random.Seeds.permutation(n, order);
        int steps = 0;
        for (int start = 0; start + 12 <= n; start += 12) {
          Map<String, Double> terms = step(split, built.model(), Arrays.copyOfRange(rows, start, start + 12), epoch,
              step++, manager);
          terms.forEach((k, v) -> {
            assertThat(v).as(k).isFinite();
            sums.merge(k, v, Double::sum);
          });
          adam.step();
          steps++;
        }
        int s = steps;
        sums.replaceAll((k, v) -> v / s);
        perEpoch.add(sums);
      }
      Map<String, Double> last = perEpoch.get(epochs - 1);
      for (String term : new String[] {"main", "tarq-teacher"}) {
        assertThat(mean(perEpoch, term, epochs - 3, epochs)).as(term).isLessThan(0.9 * mean(perEpoch, term, 0, 3));
      }
      assertThat(last).containsKeys("tarq-rec", "tarq-align", "tarq-commitment", "tarq/level-1/utilization",
          "tarq/level-2/perplexity", "tarq/quantization-error", "tarq/relative-quantization-error");
      assertThat(last.get("tarq/level-1/utilization")).isBetween(0.0, 1.0);
      assertThat(last.get("tarq/level-1/perplexity")).isBetween(1.0, 4.0);
    }
  }

  private static double mean(List<Map<String, Double>> perEpoch, String term, int from, int to) {
    double s = 0;
    for (int e = from; e < to; e++) {
      s += perEpoch.get(e).get(term);
    }
    return s / (to - from);
  }

  private static Map<String, Double> step(Split split, TarqModel model, int[] rows, int epoch, long step,
      NDManager manager) {
    int b = rows.length;
    long[] q = new long[b];
    long[] pos = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = split.train().queries()[rows[i]];
      pos[i] = split.train().items()[rows[i]];
    }
    Map<String, Double> terms = new LinkedHashMap<>();
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(step), epoch, step);
      TowerOutput qo = model.queryTower().encode(Fixtures.batch(Side.QUERY, q, bm), fwd);
      TowerOutput po = model.itemTower().encode(Fixtures.batch(Side.ITEM, pos, bm), fwd);
      float[] eye = new float[b * b];
      float[] hits = new float[b * b];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < b; j++) {
          eye[i * b + j] = i == j ? 1f : 0f;
          hits[i * b + j] = i != j && pos[i] == pos[j] ? -1e9f : 0f; // accidental hits masked
        }
      }
      NDArray logits = model.interaction().scoreAll(qo, po, fwd).add(Tensors.create(bm, hits, new Shape(b, b)));
      NDArray main = logits.logSoftmax(1).mul(Tensors.create(bm, eye, new Shape(b, b))).sum(new int[] {1}).neg()
          .mean(); // []
      float[] ones = new float[b];
      Arrays.fill(ones, 1f);
      ((Coupling) model.queryTower()).couple(new Coupling.Pairs(Side.QUERY, qo, po,
          Map.of("positive", Tensors.create(bm, ones)), q, pos, new Coupling.Sampled(null, new long[0], true, 0, 0)),
          fwd);
      NDArray total = main;
      terms.put("main", (double) main.getFloat());
      for (Map.Entry<String, NDArray> e : fwd.auxLosses().entrySet()) {
        total = total.add(e.getValue());
        terms.put(e.getKey(), (double) e.getValue().getFloat());
      }
      terms.putAll(fwd.metrics());
      gc.backward(total);
    }
    return terms;
  }

  /** Adam (Kingma and Ba) on Java arrays over the trainable weights; gradients are zeroed after each step. */
  private static final class Adam {
    private final List<NDArray> params;
    private final List<float[]> m = new ArrayList<>();
    private final List<float[]> v = new ArrayList<>();
    private final float lr;
    private int t;

    Adam(Params params, float lr) {
      this.params = new ArrayList<>(params.trainable().values());
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
          NoGrad.run(() -> grad.subi(grad));
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
        NoGrad.run(() -> p.set(w));
      }
    }
  }
}

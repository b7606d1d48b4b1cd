package org.towerlab.modules.hit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.registry.Registration;

class HitModuleTest {

  @Test
  void configure_registersTheTowerAndTheInteraction() {
    Set<Registration> regs = Guice.createInjector(new HitModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    Map<String, Kind> byName = regs.stream().collect(Collectors.toMap(Registration::name, Registration::kind));
    assertThat(byName).containsExactlyInAnyOrderEntriesOf(Map.of("hit", Kind.TOWER, "max-sim", Kind.INTERACTION));
  }

  /**
   * A few dozen training steps done as PlainTrainer does them: positives encoded by the item tower,
   * MaxSim scores, in-batch sampled softmax with the diagonal as positive and same-item columns
   * masked, both towers' generation losses through Coupling, one backward, an SGD update.
   */
  @Test
  void training_fewSteps_mainAndGenerationLossesDecrease() {
    Split split = Fixtures.split();
    InteractionLog log = split.train();
    int b = 16;
    int steps = 80;
    double[] main = new double[steps];
    double[] gen = new double[steps];
    try (NDManager root = NDManager.newBaseManager()) {
      Params params = new Params(root, new SplittableRandom(11));
      HitTowerConfig config = Fixtures.config(true, null);
      HitTower qt = new HitTower(config, "$.model.query-tower");
      HitTower it = new HitTower(config, "$.model.item-tower");
      qt.initialize(new InitContext(params.scope("model").scope("query-tower"), split, Side.QUERY));
      it.initialize(new InitContext(params.scope("model").scope("item-tower"), split, Side.ITEM));
      MaxSimInteraction maxSim = new MaxSimInteraction(new MaxSimInteractionConfig(true, 0.2));
      SplittableRandom rng = new SplittableRandom(5);
      for (int step = 0; step < steps; step++) {
        long[] q = new long[b];
        long[] pos = new long[b];
        for (int i = 0; i < b; i++) {
          int r = rng.nextInt(log.size());
          q[i] = log.queries()[r];
          pos[i] = log.items()[r];
        }
        float[] mask = new float[b * b];
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < b; j++) {
            mask[i * b + j] = i == j || pos[i] != pos[j] ? 0f : -1e9f;
          }
        }
        try (NDManager bm = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Forward fwd = new Forward(bm, true, new SplittableRandom(step), 0, step);
          TowerOutput qo = qt.encode(Fixtures.batch(Side.QUERY, q, bm), fwd);
          TowerOutput po = it.encode(Fixtures.batch(Side.ITEM, pos, bm), fwd);
          NDArray all = maxSim.scoreAll(qo, po, fwd).add(Tensors.create(bm, mask, new Shape(b, b))); // [B, B]
          NDArray loss = all.logSoftmax(1)
              .mul(Tensors.create(bm, eye(b), new Shape(b, b))).sum(new int[] {1}).neg().mean(); // []
          Map<String, NDArray> labels = new LinkedHashMap<>();
          labels.put("positive", Tensors.create(bm, ones(b)));
          qt.couple(qo, po, labels, fwd);
          it.couple(po, qo, labels, fwd);
          NDArray aux = fwd.auxLosses().get("hit-generation-query").add(fwd.auxLosses().get("hit-generation-item"));
          gc.backward(loss.add(aux));
          main[step] = loss.getFloat();
          gen[step] = aux.getFloat();
        }
        for (NDArray p : params.all().values()) {
          NDArray g = p.getGradient();
          p.subi(g.mul(0.3f));
          g.subi(g);
        }
      }
    }
    for (int s = 0; s < steps; s++) {
      assertThat(main[s]).isFinite();
      assertThat(gen[s]).isFinite();
    }
    assertThat(mean(main, steps - 10, steps)).isLessThan(0.85 * mean(main, 0, 10));
    assertThat(mean(gen, steps - 10, steps)).isLessThan(0.85 * mean(gen, 0, 10));
    System.out.printf("main %.4f -> %.4f, generation %.4f -> %.4f%n", mean(main, 0, 10), mean(main, steps - 10, steps),
        mean(gen, 0, 10), mean(gen, steps - 10, steps));
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  private static float[] eye(int n) {
    float[] v = new float[n * n];
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1f;
    }
    return v;
  }
}

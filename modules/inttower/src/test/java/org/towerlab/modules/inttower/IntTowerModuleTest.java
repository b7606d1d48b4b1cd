package org.towerlab.modules.inttower;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.registry.Registration;

class IntTowerModuleTest {

  @Test
  void configure_registersBothTowersAndTheInteraction() {
    Set<Registration> regs = Guice.createInjector(new IntTowerModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    Map<String, Kind> byName = regs.stream().collect(Collectors.toMap(Registration::name, Registration::kind));
    assertThat(byName).containsExactlyInAnyOrderEntriesOf(
        Map.of("inttower-user", Kind.TOWER, "inttower-item", Kind.TOWER, "fe-block", Kind.INTERACTION));
  }

  /**
   * Training steps done as the trainer does them: users and their positives encoded, FE-Block scores,
   * in-batch sampled softmax with the diagonal as positive and same-item columns masked, CIR through
   * Coupling, one backward, an SGD update. Both the main loss and CIR fall.
   */
  @Test
  void training_fewSteps_mainLossAndCirDecrease() {
    InteractionLog log = Fixtures.split().train();
    int b = 16;
    int steps = 80;
    double[] main = new double[steps];
    double[] cir = new double[steps];
    try (NDManager root = NDManager.newBaseManager()) {
      Params params = new Params(root, new SplittableRandom(11));
      Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(32, 32), 2, 4, "outputs", 0.5),
          Fixtures.item(List.of(32, 32), 2, 4));
      FeBlockInteraction fe = new FeBlockInteraction(new FeBlockInteractionConfig(null, 0.25, true, null));
      fe.initialize(new InitContext(params.scope("model").scope("interaction"), null, null));
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
        float[] eye = new float[b * b];
        for (int i = 0; i < b; i++) {
          eye[i * b + i] = 1f;
          for (int j = 0; j < b; j++) {
            mask[i * b + j] = i == j || pos[i] != pos[j] ? 0f : -1e9f;
          }
        }
        try (NDManager bm = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Forward fwd = new Forward(bm, true, new SplittableRandom(step), 0, step);
          TowerOutput qo = t.user().encode(Fixtures.batch(Side.QUERY, q, bm), fwd);
          TowerOutput po = t.item().encode(Fixtures.batch(Side.ITEM, pos, bm), fwd);
          NDArray all = fe.scoreAll(qo, po, fwd).add(Tensors.create(bm, mask, new Shape(b, b))); // [B, B]
          NDArray loss = all.logSoftmax(1).mul(Tensors.create(bm, eye, new Shape(b, b))).sum(new int[] {1})
              .neg().mean(); // []
          float[] ones = new float[b];
          java.util.Arrays.fill(ones, 1f);
          t.user().couple(new Coupling.Pairs(Side.QUERY, qo, po, Map.of("positive", Tensors.create(bm, ones)), q, pos,
              new Coupling.Sampled(null, new long[0], true, 0, 0)), fwd);
          NDArray aux = fwd.auxLosses().get(IntTowerUserTower.CIR);
          gc.backward(loss.add(aux));
          main[step] = loss.getFloat();
          cir[step] = aux.getFloat();
        }
        for (NDArray p : params.all().values()) {
          NDArray g = p.getGradient();
          p.subi(g.mul(0.05f));
          g.subi(g);
        }
      }
    }
    for (int s = 0; s < steps; s++) {
      assertThat(main[s]).isFinite();
      assertThat(cir[s]).isFinite();
    }
    System.out.printf("main %.4f -> %.4f, cir %.4f -> %.4f%n", mean(main, 0, 10), mean(main, steps - 10, steps),
        mean(cir, 0, 10), mean(cir, steps - 10, steps));
    assertThat(mean(main, steps - 10, steps)).isLessThan(0.9 * mean(main, 0, 10));
    assertThat(mean(cir, steps - 10, steps)).isLessThan(0.9 * mean(cir, 0, 10));
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}

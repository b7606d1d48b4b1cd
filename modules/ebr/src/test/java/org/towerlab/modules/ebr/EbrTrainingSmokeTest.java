package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * End to end on a small hand-built split (4 taste groups of 10 items; each user likes 6 items of
 * its group): id towers, cosine at temperature 1, the EBR samplers and the hinge loss, called the
 * way PlainTrainer calls them (one item-tower call for positives ++ shared ++ per-query items; the
 * miner on a Java copy of the in-batch scores; columns in-batch, shared, per-query), plain SGD.
 */
class EbrTrainingSmokeTest {
  private static final int USERS = 40;
  private static final int ITEMS = 40;

  private final int[] trainQ;
  private final int[] trainI;

  EbrTrainingSmokeTest() {
    SplittableRandom rng = new SplittableRandom(5);
    List<int[]> rows = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      int g = u % 4;
      int[] items = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
      for (int i = 9; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = items[i];
        items[i] = items[j];
        items[j] = t;
      }
      for (int k = 0; k < 6; k++) {
        rows.add(new int[] {u, g * 10 + items[k]});
      }
    }
    trainQ = rows.stream().mapToInt(r -> r[0]).toArray();
    trainI = rows.stream().mapToInt(r -> r[1]).toArray();
  }

  private final class Run {
    final NDManager manager;
    final Fixtures.IdTower queryTower = new Fixtures.IdTower(8);
    final Fixtures.IdTower itemTower = new Fixtures.IdTower(8);
    final Params params;

    Run(NDManager manager) {
      this.manager = manager;
      Split split = Fixtures.split(USERS, ITEMS, trainQ, trainI);
      params = new Params(manager, new SplittableRandom(1)).scope("model");
      queryTower.initialize(new InitContext(params.scope("query-tower"), split, Side.QUERY));
      itemTower.initialize(new InitContext(params.scope("item-tower"), split, Side.ITEM));
    }

    /** The current model's ranking, computed outside autograd. */
    ItemIndex index() {
      return new ItemIndex() {
        int version;

        public void refresh() {
          version++;
        }

        public int version() {
          return version;
        }

        public long[][] ranked(long[] queries, int from, int to) {
          try (NDManager m = manager.newSubManager()) {
            Forward f = Forward.inference(m);
            long[] all = new long[ITEMS];
            Arrays.setAll(all, i -> i);
            NDArray s = Fixtures.cosineAll(queryTower.encode(Fixtures.batch(Side.QUERY, queries, f), f).embedding(),
                itemTower.encode(Fixtures.batch(Side.ITEM, all, f), f).embedding()); // [B, N]
            long[] flat = s.argSort(1, false).get(":, " + from + ":" + to).toLongArray();
            long[][] out = new long[queries.length][];
            for (int b = 0; b < queries.length; b++) {
              out[b] = Arrays.copyOfRange(flat, b * (to - from), (b + 1) * (to - from));
            }
            return out;
          }
        }
      };
    }

    /** One PlainTrainer-like step with SGD; returns the loss. */
    float step(Sampler sampler, Loss loss, SamplerContext ctx, int[] rows, int epoch, long step) {
      int b = rows.length;
      long[] q = new long[b];
      long[] pos = new long[b];
      for (int i = 0; i < b; i++) {
        q[i] = trainQ[rows[i]];
        pos[i] = trainI[rows[i]];
      }
      Negatives negs = sampler.sample(new SampleRequest(q, pos, epoch, step, new SplittableRandom(step)), ctx);
      int m = negs.shared().length;
      int k = negs.perQueryCount();
      long[] ids = new long[b + m + b * k];
      System.arraycopy(pos, 0, ids, 0, b);
      System.arraycopy(negs.shared(), 0, ids, b, m);
      for (int i = 0; i < b && k > 0; i++) {
        System.arraycopy(negs.perQuery()[i], 0, ids, b + m + i * k, k);
      }
      float value;
      try (NDManager bm = manager.newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Forward fwd = new Forward(bm, true, new SplittableRandom(step), epoch, step);
        NDArray qe = queryTower.encode(Fixtures.batch(Side.QUERY, q, fwd), fwd).embedding(); // [B, D]
        NDArray ie = itemTower.encode(Fixtures.batch(Side.ITEM, ids, fwd), fwd).embedding(); // [B+M+BK, D]
        NDArray pe = ie.get("0:" + b); // [B, D]
        NDArray scores = Fixtures.cosinePaired(qe, pe, 1).reshape(b); // [B]
        NDList cols = new NDList();
        List<float[]> masks = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        if (negs.inBatch()) {
          NDArray all = Fixtures.cosineAll(qe, pe); // [B, B]
          float[] flat = all.toFloatArray();
          float[][] s2 = new float[b][];
          for (int i = 0; i < b; i++) {
            s2[i] = Arrays.copyOfRange(flat, i * b, (i + 1) * b);
          }
          int[][] chosen = ((InBatchMiner) sampler).mine(s2, q, pos);
          int w = Arrays.stream(chosen).mapToInt(c -> c.length).max().orElse(0);
          long[] idx = new long[b * w];
          float[] mask = new float[b * w];
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < w; j++) {
              int col = j < chosen[i].length ? chosen[i][j] : i;
              idx[i * w + j] = col;
              mask[i * w + j] = j < chosen[i].length && pos[col] != pos[i] ? 1f : 0f;
            }
          }
          cols.add(all.gather(Tensors.create(bm, idx, new Shape(b, w)), 1)); // [B, w]
          masks.add(mask);
          widths.add(w);
        }
        if (m > 0) {
          cols.add(Fixtures.cosineAll(qe, ie.get(b + ":" + (b + m)))); // [B, M]
          float[] mask = new float[b * m];
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < m; j++) {
              mask[i * m + j] = negs.shared()[j] != pos[i] ? 1f : 0f;
            }
          }
          masks.add(mask);
          widths.add(m);
        }
        if (k > 0) {
          cols.add(Fixtures.cosinePaired(qe, ie.get((b + m) + ":"), k)); // [B, K]
          float[] mask = new float[b * k];
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
              mask[i * k + j] = negs.perQueryMask()[i][j] && negs.perQuery()[i][j] != pos[i] ? 1f : 0f;
            }
          }
          masks.add(mask);
          widths.add(k);
        }
        NDArray negatives = cols.size() == 1 ? cols.get(0) : NDArrays.concat(cols, 1); // [B, C]
        int c = widths.stream().mapToInt(Integer::intValue).sum();
        float[] mask = new float[b * c];
        int off = 0;
        for (int p = 0; p < masks.size(); p++) {
          for (int i = 0; i < b; i++) {
            System.arraycopy(masks.get(p), i * widths.get(p), mask, i * c + off, widths.get(p));
          }
          off += widths.get(p);
        }
        NDArray total = loss.compute(LossInput.builder(scores).negatives(negatives, Tensors.create(bm, mask, new Shape(b, c))).labels(Map.of()).build(), fwd);
        gc.backward(total);
        value = total.getFloat();
      }
      for (NDArray p : params.all().values()) {
        NDArray g = p.getGradient();
        try (NDArray update = g.mul(8f)) {
          p.subi(update);
        }
        g.subi(g);
      }
      return value;
    }

    float[] train(Sampler sampler, Loss loss, int epochs) {
      SamplerContext ctx = Fixtures.context(ITEMS, Fixtures.known(trainQ, trainI), index());
      List<Float> losses = new ArrayList<>();
      long step = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        int[] order = new int[trainQ.length];
        Arrays.setAll(order, i -> i);
        SplittableRandom shuffle = new SplittableRandom(epoch);
        for (int i = order.length - 1; i > 0; i--) {
          int j = shuffle.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        for (int start = 0; start + 32 <= order.length; start += 32) {
          losses.add(step(sampler, loss, ctx, Arrays.copyOfRange(order, start, start + 32), epoch, step++));
        }
      }
      float[] out = new float[losses.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = losses.get(i);
      }
      return out;
    }
  }

  private static double mean(float[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  @Test
  void onlineHardWithHinge_trainsToAFiniteDecreasingLoss() {
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] losses = new Run(manager).train(new OnlineHardSampler(new OnlineHardSamplerConfig(2, 8, true)),
          new HingeLoss(new HingeLossConfig(0.5, "mean")), 12);
      for (float l : losses) {
        assertThat(Float.isFinite(l)).isTrue();
      }
      assertThat(mean(losses, losses.length - 7, losses.length)).isLessThan(0.6 * mean(losses, 0, 7));
    }
  }

  @Test
  void offlineHardWithHinge_trainsToAFiniteDecreasingLoss() {
    try (NDManager manager = NDManager.newBaseManager()) {
      OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(5, 20, 1, 10.0, 1, 1, null, null, null);
      float[] losses = new Run(manager).train(new OfflineHardSampler(c, "$.sampler"),
          new HingeLoss(new HingeLossConfig(0.5, "mean")), 12);
      for (float l : losses) {
        assertThat(Float.isFinite(l)).isTrue();
      }
      assertThat(mean(losses, losses.length - 7, losses.length)).isLessThan(0.6 * mean(losses, 0, 7));
    }
  }

  @Test
  void offlineHard_minedNegativesOfATrainedModel_areNeverKnownPositives() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Run run = new Run(manager);
      OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(2, 12, 3, 0.0, 1, 0, null, null, null);
      run.train(new OnlineHardSampler(new OnlineHardSamplerConfig(2, 8, true)),
          new HingeLoss(new HingeLossConfig(0.5, "mean")), 6);
      Set<Long> known = Fixtures.known(trainQ, trainI);
      ItemIndex index = run.index();
      long[] queries = new long[USERS];
      Arrays.setAll(queries, i -> i);
      Negatives n = new OfflineHardSampler(c, "$.sampler").sample(
          new SampleRequest(queries, new long[USERS], 0, 0, new SplittableRandom(9)),
          Fixtures.context(ITEMS, known, index));
      long[][] window = index.ranked(queries, 1, 12);
      for (int u = 0; u < USERS; u++) {
        for (int j = 0; j < 3; j++) {
          if (n.perQueryMask()[u][j]) {
            long item = n.perQuery()[u][j];
            assertThat(known).doesNotContain(Fixtures.pair(u, item));
            assertThat(window[u]).contains(item);
          }
        }
      }
    }
  }
}

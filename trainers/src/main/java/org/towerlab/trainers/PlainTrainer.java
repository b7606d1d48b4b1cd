package org.towerlab.trainers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.train.TrainContext;
import org.towerlab.api.train.TrainResult;
import org.towerlab.api.train.TrainingStrategy;

/**
 * The plain training loop: shuffled mini-batches of training rows; for each, the sampler's
 * negatives, both towers' outputs, the interaction's scores of positives and negatives, the loss
 * plus every component's auxiliary terms, one backward pass and one AdamW step. After each epoch
 * the validation metrics decide early stopping; the best epoch's weights are restored at the end.
 * A checkpoint is written after every epoch, and {@code resume} continues from it to the same
 * final numbers as an uninterrupted run (every random stream is derived from the seed, the epoch
 * and the step, never from state carried across epochs).
 */
public final class PlainTrainer implements TrainingStrategy {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PlainTrainerConfig config;
  private final PrintStream console;

  public PlainTrainer(PlainTrainerConfig config) {
    this(config, System.err);
  }

  public PlainTrainer(PlainTrainerConfig config, PrintStream console) {
    this.config = config;
    this.console = console;
  }

  public PlainTrainerConfig config() {
    return config;
  }

  @Override
  public TrainResult train(TrainContext ctx) {
    Model model = ctx.model();
    if (!model.trainable() || config.epochs() == 0) {
      return new TrainResult(0, 0, Double.NaN, Map.of());
    }
    Split split = ctx.split();
    NDManager manager = ctx.manager();
    FeatureBatches batches = new FeatureBatches(split);
    Map<String, NDArray> params = ctx.params().all();
    String monitor = config.monitor() != null ? config.monitor() : split.pointwise() ? "auc" : "recall@20";
    boolean minimize = monitor.startsWith("logloss");
    try (NDManager stateManager = manager.newSubManager();
        TowerScorer scorer = new TowerScorer(model, batches, split.dataset().numItems(), manager)) {
      AdamW adam = new AdamW(ctx.params().trainable(), stateManager, config.learningRate(), config.weightDecay(),
          config.clipNorm());
      TrainingSamplerContext samplerCtx = new TrainingSamplerContext(split, scorer, manager);
      InteractionLog train = split.train();
      int n = train.size();
      long shuffleBase = ctx.seeds().seed("data.shuffle");
      long samplerBase = ctx.seeds().seed("sampler");
      long noiseBase = ctx.seeds().seed("train.noise");
      Path ckptDir = ctx.runDir().resolve("checkpoints");

      int startEpoch = 0;
      long step = 0;
      int bestEpoch = 0;
      double best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      int bad = 0;
      Map<String, float[]> bestWeights = null;
      List<Map<String, Double>> history = new ArrayList<>();
      if (ctx.resume() && Files.exists(ckptDir.resolve("last.ckpt"))) {
        Checkpoint last = read(ckptDir.resolve("last.ckpt"));
        ObjectNode st = (ObjectNode) readTree(last.state);
        startEpoch = st.get("epoch").asInt();
        step = st.get("step").asLong();
        bestEpoch = st.get("best-epoch").asInt();
        best = st.get("best").asDouble();
        bad = st.get("bad-epochs").asInt();
        List<float[]> values = last.withPrefix("param:");
        int i = 0;
        for (NDArray p : params.values()) {
          p.set(values.get(i++));
        }
        adam.restore(last.withPrefix("adam:"), st.get("adam-steps").asLong());
        if (Files.exists(ckptDir.resolve("best.ckpt"))) {
          bestWeights = new LinkedHashMap<>();
          for (Map.Entry<String, float[]> e : read(ckptDir.resolve("best.ckpt")).arrays.entrySet()) {
            bestWeights.put(e.getKey().substring("param:".length()), e.getValue());
          }
        }
        console.printf(Locale.ROOT, "resuming after epoch %d (step %d)%n", startEpoch, step);
      }

      long started = System.nanoTime();
      long examples = 0;
      int epochsRun = startEpoch;
      for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
        if (config.patience() > 0 && bad >= config.patience()) {
          break;
        }
        int[] order = Seeds.permutation(n, new SplittableRandom(shuffleBase ^ (0x9E3779B97F4A7C15L * (epoch + 1))));
        Progress progress = new Progress(console, String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, config.epochs()), n);
        double lossSum = 0;
        int lossCount = 0;
        Map<String, Double> auxSums = new LinkedHashMap<>();
        long epochStart = System.nanoTime();
        for (int start = 0; start < n; start += config.batchSize()) {
          int end = Math.min(n, start + config.batchSize());
          if (end - start < 2) {
            continue;
          }
          int[] rows = java.util.Arrays.copyOfRange(order, start, end);
          double[] out = step(ctx, model, batches, samplerCtx, train, rows, epoch, step,
              new SplittableRandom(samplerBase ^ Seeds.mix(step)), new SplittableRandom(noiseBase ^ Seeds.mix(step)), manager, auxSums);
          adam.step();
          scorer.invalidateQueries();
          lossSum += out[0];
          lossCount++;
          step++;
          examples += rows.length;
          progress.update(end, String.format(Locale.ROOT, "loss %.4f", lossSum / lossCount));
        }
        double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
        epochsRun = epoch + 1;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train/loss", lossSum / Math.max(1, lossCount));
        for (Map.Entry<String, Double> e : auxSums.entrySet()) {
          metrics.put("train/" + e.getKey(), e.getValue() / Math.max(1, lossCount));
        }
        metrics.put("train/examples-per-second", n / Math.max(epochSeconds, 1e-9));
        scorer.refresh();
        Evaluations.Result valid = Evaluations.evaluate(ctx.evaluators(), split, "valid", scorer, manager);
        metrics.putAll(valid.metrics());
        Double value = valid.metrics().get("valid/" + monitor);
        if (value == null && !valid.metrics().isEmpty()) {
          throw new org.towerlab.api.UserException("The trainer monitors 'valid/" + monitor
              + "' but the evaluators report " + valid.metrics().keySet()
              + ". Set trainer.monitor to one of them (without the 'valid/' prefix).");
        }
        boolean improved = value == null || (minimize ? value < best : value > best);
        if (improved || bestWeights == null) {
          if (value != null) {
            best = value;
          }
          bestEpoch = epoch + 1;
          bad = 0;
          bestWeights = Checkpoint.snapshot(params);
          writeBest(ckptDir, bestWeights);
        } else {
          bad++;
        }
        history.add(metrics);
        ctx.tracker().logMetrics(metrics, epoch + 1);
        progress.finish(String.format(Locale.ROOT, "loss %.4f  %s %s  (%.1fs)", metrics.get("train/loss"),
            monitor, value == null ? "n/a" : String.format(Locale.ROOT, "%.4f", value), epochSeconds)
            + (improved ? " *" : ""));
        writeLast(ckptDir, params, adam, epoch + 1, step, bestEpoch, best, bad);
      }
      if (bestWeights != null) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
          e.getValue().set(bestWeights.get(e.getKey()));
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Map<String, Double> stats = new LinkedHashMap<>();
      stats.put("train/seconds", seconds);
      stats.put("train/steps", (double) step);
      if (examples > 0) {
        stats.put("train/mean-examples-per-second", examples / Math.max(seconds, 1e-9));
      }
      return new TrainResult(epochsRun, bestEpoch, best, stats);
    }
  }

  /** One training step; returns {@code [total loss]} and accumulates aux terms by name. */
  private double[] step(TrainContext ctx, Model model, FeatureBatches batches, TrainingSamplerContext samplerCtx,
      InteractionLog train, int[] rows, int epoch, long step, SplittableRandom samplerRng, SplittableRandom noise,
      NDManager manager, Map<String, Double> auxSums) {
    int b = rows.length;
    long[] q = new long[b];
    long[] pos = new long[b];
    long[] ts = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = train.queries()[rows[i]];
      pos[i] = train.items()[rows[i]];
      ts[i] = train.timestamps()[rows[i]];
    }
    Negatives negs = ctx.split().pointwise() && !ctx.loss().needsNegatives()
        ? Negatives.none()
        : ctx.sampler().sample(new SampleRequest(q, pos, epoch, step, samplerRng), samplerCtx);
    int m = negs.shared().length;
    int k = negs.perQueryCount();
    long[] itemIds = new long[b + m + b * k];
    System.arraycopy(pos, 0, itemIds, 0, b);
    System.arraycopy(negs.shared(), 0, itemIds, b, m);
    for (int i = 0; i < b && k > 0; i++) {
      System.arraycopy(negs.perQuery()[i], 0, itemIds, b + m + i * k, k);
    }
    try (NDManager bm = manager.newSubManager();
        NDScope scope = new NDScope();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, noise, epoch, step);
      FeatureBatch qf = batches.build(Side.QUERY, q, ts, bm);
      FeatureBatch itf = batches.build(Side.ITEM, itemIds, null, bm);
      TowerOutput qo = model.queryTower().encode(qf, fwd);
      TowerOutput io = model.itemTower().encode(itf, fwd);
      TowerOutput po = itemIds.length == b ? io : io.rows(0, b);
      Interaction inter = model.interaction();
      NDArray scores = inter.scorePaired(qo, po, 1, fwd).reshape(b); // [B]

      NDList negCols = new NDList();
      List<float[]> maskCols = new ArrayList<>();
      List<float[]> logqCols = new ArrayList<>();
      List<Integer> widths = new ArrayList<>();
      boolean anyLogq = false;
      if (negs.inBatch()) {
        NDArray all = inter.scoreAll(qo, po, fwd); // [B, B]
        if (ctx.sampler() instanceof InBatchMiner miner) {
          float[] flat = all.toFloatArray();
          float[][] s2 = new float[b][];
          for (int i = 0; i < b; i++) {
            s2[i] = java.util.Arrays.copyOfRange(flat, i * b, (i + 1) * b);
          }
          int[][] cols = miner.mine(s2, q, pos);
          int w = 0;
          for (int[] c : cols) {
            w = Math.max(w, c.length);
          }
          if (w > 0) {
            long[] idx = new long[b * w];
            float[] mask = new float[b * w];
            float[] lq = new float[b * w];
            for (int i = 0; i < b; i++) {
              for (int j = 0; j < w; j++) {
                int col = j < cols[i].length ? cols[i][j] : i;
                idx[i * w + j] = col;
                mask[i * w + j] = j < cols[i].length && pos[col] != pos[i] ? 1f : 0f;
                lq[i * w + j] = negs.inBatchLogQ() == null ? 0f : negs.inBatchLogQ()[col];
              }
            }
            negCols.add(all.gather(Tensors.create(bm, idx, new Shape(b, w)), 1)); // [B, w]
            maskCols.add(mask);
            logqCols.add(lq);
            widths.add(w);
          }
        } else {
          float[] mask = new float[b * b];
          float[] lq = new float[b * b];
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
              mask[i * b + j] = pos[j] != pos[i] ? 1f : 0f;
              lq[i * b + j] = negs.inBatchLogQ() == null ? 0f : negs.inBatchLogQ()[j];
            }
          }
          negCols.add(all);
          maskCols.add(mask);
          logqCols.add(lq);
          widths.add(b);
        }
        anyLogq |= negs.inBatchLogQ() != null;
      }
      if (m > 0) {
        negCols.add(inter.scoreAll(qo, io.rows(b, b + m), fwd)); // [B, M]
        float[] mask = new float[b * m];
        float[] lq = new float[b * m];
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < m; j++) {
            mask[i * m + j] = negs.shared()[j] != pos[i] ? 1f : 0f;
            lq[i * m + j] = negs.sharedLogQ() == null ? 0f : negs.sharedLogQ()[j];
          }
        }
        maskCols.add(mask);
        logqCols.add(lq);
        widths.add(m);
        anyLogq |= negs.sharedLogQ() != null;
      }
      if (k > 0) {
        negCols.add(inter.scorePaired(qo, io.rows(b + m, b + m + (long) b * k), k, fwd)); // [B, K]
        float[] mask = new float[b * k];
        float[] lq = new float[b * k];
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < k; j++) {
            boolean valid = negs.perQueryMask() == null || negs.perQueryMask()[i][j];
            mask[i * k + j] = valid && negs.perQuery()[i][j] != pos[i] ? 1f : 0f;
            lq[i * k + j] = negs.perQueryLogQ() == null ? 0f : negs.perQueryLogQ()[i][j];
          }
        }
        maskCols.add(mask);
        logqCols.add(lq);
        widths.add(k);
        anyLogq |= negs.perQueryLogQ() != null;
      }
      NDArray negatives = null;
      NDArray negMask = null;
      NDArray negLogq = null;
      NDArray scoreLogq = null;
      if (!negCols.isEmpty()) {
        negatives = negCols.size() == 1 ? negCols.get(0) : NDArrays.concat(negCols, 1); // [B, C]
        negMask = Tensors.create(bm, interleave(maskCols, widths, b), negatives.getShape());
        if (anyLogq) {
          negLogq = Tensors.create(bm, interleave(logqCols, widths, b), negatives.getShape());
          if (negs.inBatchLogQ() != null) {
            scoreLogq = Tensors.create(bm, negs.inBatchLogQ()); // [B]
          } else {
            scoreLogq = null;
          }
        }
      }
      Map<String, NDArray> labels = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : train.labels().entrySet()) {
        float[] v = new float[b];
        for (int i = 0; i < b; i++) {
          v[i] = e.getValue()[rows[i]];
        }
        labels.put(e.getKey(), Tensors.create(bm, v)); // [B]
      }
      if (!labels.containsKey("positive")) {
        float[] ones = new float[b];
        java.util.Arrays.fill(ones, 1f);
        labels.put("positive", Tensors.create(bm, ones));
      }
      NDArray weights = null;
      if (config.ipw()) {
        if (train.propensities() == null) {
          throw new org.towerlab.api.UserException("trainer.ipw is on but the data set '" + ctx.split().dataset().name()
              + "' has no propensity column. Turn trainer.ipw off or use data with logging propensities.");
        }
        float[] w = new float[b];
        for (int i = 0; i < b; i++) {
          w[i] = (float) (1.0 / Math.max(train.propensities()[rows[i]], config.ipwClip()));
        }
        weights = Tensors.create(bm, w);
      }
      if (model.queryTower() instanceof Coupling c) {
        c.couple(qo, po, labels, fwd);
      }
      if (model.itemTower() instanceof Coupling c) {
        c.couple(po, qo, labels, fwd);
      }
      LossInput in = new LossInput(scores, negatives, negMask, scoreLogq, negLogq, labels, weights,
          null, null, null, null, qo, po);
      NDArray total = ctx.loss().compute(in, fwd);
      for (Map.Entry<String, NDArray> e : fwd.auxLosses().entrySet()) {
        total = total.add(e.getValue());
        auxSums.merge(e.getKey(), (double) e.getValue().getFloat(), Double::sum);
      }
      gc.backward(total);
      float value = total.getFloat();
      if (!Float.isFinite(value)) {
        throw new IllegalStateException("the loss is " + value + " at epoch " + (epoch + 1) + ", step " + step
            + "; lower trainer.learning-rate or set trainer.clip-norm");
      }
      return new double[] {value};
    }
  }

  private static float[] interleave(List<float[]> cols, List<Integer> widths, int b) {
    int total = widths.stream().mapToInt(Integer::intValue).sum();
    float[] out = new float[b * total];
    int offset = 0;
    for (int c = 0; c < cols.size(); c++) {
      int w = widths.get(c);
      float[] src = cols.get(c);
      for (int i = 0; i < b; i++) {
        System.arraycopy(src, i * w, out, i * total + offset, w);
      }
      offset += w;
    }
    return out;
  }

  private static void writeBest(Path dir, Map<String, float[]> weights) {
    Map<String, float[]> named = new LinkedHashMap<>();
    weights.forEach((k, v) -> named.put("param:" + k, v));
    try {
      new Checkpoint("{}", named).write(dir.resolve("best.ckpt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeLast(Path dir, Map<String, NDArray> params, AdamW adam, int epoch, long step,
      int bestEpoch, double best, int bad) {
    Map<String, float[]> arrays = new LinkedHashMap<>();
    params.forEach((k, v) -> arrays.put("param:" + k, v.toFloatArray()));
    NDList moments = adam.state();
    for (int i = 0; i < moments.size(); i++) {
      arrays.put("adam:" + i, moments.get(i).toFloatArray());
    }
    ObjectNode st = JSON.createObjectNode();
    st.put("epoch", epoch);
    st.put("step", step);
    st.put("best-epoch", bestEpoch);
    st.put("best", best);
    st.put("bad-epochs", bad);
    st.put("adam-steps", adam.steps());
    try {
      new Checkpoint(st.toString(), arrays).write(dir.resolve("last.ckpt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Checkpoint read(Path file) {
    try {
      return Checkpoint.read(file);
    } catch (IOException e) {
      throw new org.towerlab.api.UserException("Cannot read the checkpoint " + file + " (" + e.getMessage()
          + "). Delete it to start the run again, or run without --resume.");
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

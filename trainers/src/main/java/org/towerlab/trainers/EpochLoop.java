package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainResult;
import org.towerlab.registry.io.Mappers;

/**
 * The epoch loop shared by every strategy: shuffled mini-batches of the step's units, one
 * {@link TrainStep} and one AdamW update each; after each epoch the validation metrics decide early
 * stopping, a checkpoint is written, and the best epoch's weights are restored at the end.
 * {@code resume} continues from the last checkpoint to the same final numbers as an uninterrupted
 * run (every random stream is derived from the seed, the epoch and the step).
 *
 * <p>A cascade trains several models, each with its own loop: {@code streams} prefixes the seed
 * streams ({@code ""} for the run's main model, {@code "stage.ranker."} for a stage), {@code
 * metricPrefix} the logged metric names, and each loop has its own checkpoint directory.
 */
final class EpochLoop {
  private static final ObjectMapper JSON = Mappers.JSON;

  /** What one loop trains and where it reports. */
  record Spec(
      String label,
      TrainStep step,
      Map<String, NDArray> checkpointed,
      Map<String, NDArray> trainable,
      PlainTrainerConfig config,
      TowerScorer scorer,
      Scorer validationScorer,
      List<Evaluator> evaluators,
      Split split,
      Seeds seeds,
      String streams,
      Tracker tracker,
      Path checkpoints,
      boolean resume,
      NDManager manager,
      PrintStream console,
      int epochOffset) {}

  private EpochLoop() {}

  /** The monitored metric: the configured one, else recall@20, auc or the first reported metric. */
  static String monitor(PlainTrainerConfig config, Map<String, Double> validMetrics) {
    if (config.monitor() != null) {
      return config.monitor();
    }
    if (validMetrics.containsKey("valid/recall@20") || validMetrics.isEmpty()) {
      return "recall@20";
    }
    if (validMetrics.containsKey("valid/auc")) {
      return "auc";
    }
    return validMetrics.keySet().iterator().next().substring("valid/".length());
  }

  static TrainResult run(Spec s) {
    PlainTrainerConfig config = s.config();
    TrainStep step = s.step();
    Map<String, NDArray> params = s.checkpointed();
    Split split = s.split();
    NDManager manager = s.manager();
    try (NDManager stateManager = manager.newSubManager();
        AdamW adam = new AdamW(s.trainable(), stateManager, config.learningRate(), config.weightDecay(),
            config.clipNorm(), EmbeddingUpdates.parse(config.embeddingUpdates()))) {
      int n = step.size();
      long shuffleBase = s.seeds().seed(s.streams() + "data.shuffle");
      long samplerBase = s.seeds().seed(s.streams() + "sampler");
      long noiseBase = s.seeds().seed(s.streams() + "train.noise");
      Path ckptDir = s.checkpoints();

      int startEpoch = 0;
      long stepNo = 0;
      int bestEpoch = 0;
      String monitor = config.monitor();
      boolean minimize = monitor != null && monitor.startsWith("logloss");
      double best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      int bad = 0;
      Map<String, float[]> bestWeights = null;
      if (s.resume() && Files.exists(ckptDir.resolve("last.ckpt"))) {
        Checkpoint last = read(ckptDir.resolve("last.ckpt"));
        ObjectNode st = (ObjectNode) readTree(last.state);
        startEpoch = st.get("epoch").asInt();
        stepNo = st.get("step").asLong();
        bestEpoch = st.get("best-epoch").asInt();
        best = st.get("best").asDouble();
        bad = st.get("bad-epochs").asInt();
        if (st.has("monitor")) {
          monitor = st.get("monitor").asText();
          minimize = monitor.startsWith("logloss");
        }
        List<float[]> values = last.withPrefix("param:");
        int i = 0;
        for (NDArray p : params.values()) {
          Tensors.overwrite(p, values.get(i++));
        }
        adam.restore(last.withPrefix("adam:"), st.get("adam-steps").asLong());
        if (Files.exists(ckptDir.resolve("best.ckpt"))) {
          bestWeights = new LinkedHashMap<>();
          for (Map.Entry<String, float[]> e : read(ckptDir.resolve("best.ckpt")).arrays.entrySet()) {
            bestWeights.put(e.getKey().substring("param:".length()), e.getValue());
          }
        }
        s.console().printf(Locale.ROOT, "%sresuming after epoch %d (step %d)%n", prefix(s), startEpoch, stepNo);
      }

      long started = System.nanoTime();
      long examples = 0;
      int epochsRun = startEpoch;
      for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
        if (config.patience() > 0 && bad >= config.patience()) {
          break;
        }
        if (step.lists() != null) {
          step.lists().beforeEpoch(epoch);
        }
        int[] order = Seeds.permutation(n, new SplittableRandom(shuffleBase ^ (0x9E3779B97F4A7C15L * (epoch + 1))));
        Progress progress = new Progress(s.console(),
            String.format(Locale.ROOT, "%sepoch %d/%d", prefix(s), epoch + 1, config.epochs()), n);
        double lossSum = 0;
        int lossCount = 0;
        Map<String, Double> auxSums = new LinkedHashMap<>();
        Map<String, double[]> metricSums = new LinkedHashMap<>();
        long threadSum = 0; // the engine team's size summed over the steps where it adapts to other jobs
        int threadSteps = 0;
        long epochStart = System.nanoTime();
        for (int start = 0; start < n; start += config.batchSize()) {
          int end = Math.min(n, start + config.batchSize());
          if (end - start < 2) {
            continue;
          }
          int[] units = java.util.Arrays.copyOfRange(order, start, end);
          int team = EngineRuntime.adapt();
          if (team > 0) {
            threadSum += team;
            threadSteps++;
          }
          TrainStep.Result out = step.run(units, epoch, stepNo, new SplittableRandom(samplerBase ^ Seeds.mix(stepNo)),
              new SplittableRandom(noiseBase ^ Seeds.mix(stepNo)), manager);
          adam.step();
          s.scorer().invalidateQueries();
          lossSum += out.loss();
          lossCount++;
          out.aux().forEach((k, v) -> auxSums.merge(k, v, Double::sum));
          out.metrics().forEach((k, v) -> {
            double[] acc = metricSums.computeIfAbsent(k, x -> new double[2]);
            acc[0] += v;
            acc[1]++;
          });
          stepNo++;
          examples += units.length;
          progress.update(end, String.format(Locale.ROOT, "loss %.4f", lossSum / lossCount));
        }
        double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
        epochsRun = epoch + 1;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train/loss", lossSum / Math.max(1, lossCount));
        for (Map.Entry<String, Double> e : auxSums.entrySet()) {
          metrics.put("train/" + e.getKey(), e.getValue() / Math.max(1, lossCount));
        }
        for (Map.Entry<String, double[]> e : metricSums.entrySet()) {
          metrics.put("train/" + e.getKey(), e.getValue()[0] / Math.max(1, e.getValue()[1]));
        }
        metrics.put("train/examples-per-second", n / Math.max(epochSeconds, 1e-9));
        if (threadSteps > 0) {
          // the mean team size: below the configured count, other jobs shared the cores (ThreadGuard)
          metrics.put("train/engine-threads", (double) threadSum / threadSteps);
        }
        s.scorer().refresh();
        Evaluations.Result valid = Evaluations.evaluate(s.evaluators(), split, "valid", s.validationScorer(), manager);
        metrics.putAll(valid.metrics());
        if (monitor == null) {
          monitor = monitor(config, valid.metrics());
          minimize = monitor.startsWith("logloss");
          best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        Double value = valid.metrics().get("valid/" + monitor);
        if (value == null && !valid.metrics().isEmpty()) {
          throw new UserException("The trainer monitors 'valid/" + monitor + "' but the evaluators report "
              + valid.metrics().keySet() + ". Set trainer.monitor to one of them (without the 'valid/' prefix).");
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
        s.tracker().logMetrics(metrics, s.epochOffset() + epoch + 1);
        progress.finish(String.format(Locale.ROOT, "loss %.4f  %s %s  (%.1fs)", metrics.get("train/loss"),
            monitor, value == null ? "n/a" : String.format(Locale.ROOT, "%.4f", value), epochSeconds)
            + (improved ? " *" : ""));
        writeLast(ckptDir, params, adam, epoch + 1, stepNo, bestEpoch, best, bad, monitor);
      }
      if (bestWeights != null) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
          Tensors.overwrite(e.getValue(), bestWeights.get(e.getKey()));
        }
      }
      s.scorer().refresh();
      double seconds = (System.nanoTime() - started) / 1e9;
      Map<String, Double> stats = new LinkedHashMap<>();
      stats.put("train/seconds", seconds);
      stats.put("train/steps", (double) stepNo);
      if (examples > 0) {
        stats.put("train/mean-examples-per-second", examples / Math.max(seconds, 1e-9));
      }
      return new TrainResult(epochsRun, bestEpoch, best, stats);
    }
  }

  private static String prefix(Spec s) {
    return s.label() == null || s.label().isEmpty() ? "" : s.label() + ": ";
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
      int bestEpoch, double best, int bad, String monitor) {
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
    if (monitor != null) {
      st.put("monitor", monitor);
    }
    try {
      new Checkpoint(st.toString(), arrays).write(dir.resolve("last.ckpt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Checkpoint read(Path file) {
    try {
      return Checkpoint.read(file);
    } catch (IOException e) {
      throw new UserException("Cannot read the checkpoint " + file + " (" + e.getMessage()
          + "). Delete it to start the run again, or run without --resume.");
    }
  }

  private static JsonNode readTree(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

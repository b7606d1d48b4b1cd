package org.towerlab.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Split;
import org.towerlab.evaluators.TopKEvaluator;
import org.towerlab.evaluators.TopKEvaluatorConfig;
import org.towerlab.registry.io.Mappers;
import org.towerlab.trainers.ClusterBackend.EvaluateRequest;
import org.towerlab.trainers.TrainedRun;

/**
 * {@code towerlab evaluate RUN_DIR --spark MASTER}: a finished run's corpus ranking as a Spark job
 * ({@link SparkCorpusEvaluation}) with the settings of the run's first {@code topk} evaluator, from
 * embeddings computed on the executors from its checkpoint ({@link SparkCorpusEvaluation#evaluateRun},
 * the default) or from the embeddings it exported ({@code embeddings/*.f32}, {@code dot} and
 * {@code cosine} interactions only). Prints each metric beside the run's own value from
 * {@code metrics.json}.
 */
final class RunEvaluation {
  private RunEvaluation() {}

  static Map<String, Double> run(SparkSession spark, EvaluateRequest r, PrintStream console) {
    if (!r.part().equals("test") && !r.part().equals("valid")) {
      throw new UserException("--part must be test or valid, got '" + r.part() + "'.");
    }
    if (r.partitions() <= 0) {
      throw new UserException("--partitions must be positive, got " + r.partitions() + ".");
    }
    String dir = r.runDir().toAbsolutePath().normalize().toString();
    TrainedRun run = Executors.trainedRun(dir); // refuses runs that are not scorable from item outputs
    TopKEvaluatorConfig topk = run.config().evaluators().stream().filter(e -> e instanceof TopKEvaluatorConfig)
        .map(e -> (TopKEvaluatorConfig) e).findFirst().orElseThrow(() -> new UserException("The run in " + dir
            + " has no topk evaluator, whose settings (ks, metrics, blocks) the corpus job takes. Add"
            + " {type: topk} to its evaluators and train it again."));
    if (!TopKEvaluator.POSITIVE.equals(topk.label()) || topk.minLabel() != null || topk.scorer() != null || topk.task() != null
        || Boolean.FALSE.equals(topk.excludeSeen())
        || "false".equalsIgnoreCase(String.valueOf(run.split().settings().get("exclude-seen")))) {
      throw new UserException("The first topk evaluator of the run in " + dir + " sets label, min-label, scorer,"
          + " task or exclude-seen: false; the corpus job ranks the system's primary score against the positive"
          + " rows with seen items removed only.");
    }
    Split split = run.split();
    int numItems = split.dataset().numItems();
    boolean cosine = false;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SparkCorpusEvaluation.Result result;
    String interaction = run.effective().path("model").path("interaction").path("type").asText("?");
    if (r.exported()) {
      if (!interaction.equals("dot") && !interaction.equals("cosine")) {
        throw new UserException("The run in " + dir + " scores with the '" + interaction + "' interaction; its"
            + " exported embeddings (the towers' primary vectors) reproduce only the dot and cosine interactions."
            + " Compute the embeddings on the executors from its checkpoint instead (leave out --embeddings"
            + " exported).");
      }
      cosine = interaction.equals("cosine");
      Path emb = r.runDir().resolve("embeddings");
      int dim = dim(emb);
      float[] items = floats(emb.resolve("items.f32"));
      float[] queries = floats(emb.resolve("queries.f32"));
      result = SparkCorpusEvaluation.evaluate(jsc, items, dim,
          jsc.parallelize(SparkCorpusEvaluation.rows(split, r.part(), queries, dim), r.partitions()),
          TopKEvaluator.trainCounts(split, numItems), options(topk, cosine, r.partitions()));
    } else {
      result = SparkCorpusEvaluation.evaluateRun(jsc, dir,
          jsc.parallelize(SparkCorpusEvaluation.rows(split, r.part()), r.partitions()),
          TopKEvaluator.trainCounts(split, numItems), options(topk, false, r.partitions()));
    }
    Map<String, Double> recorded = recorded(r.runDir().resolve("metrics.json"));
    console.printf(Locale.ROOT, "== spark: %s part of %s, %,d queries x %,d items, embeddings %s%n", r.part(), dir,
        result.queries(), numItems, r.exported() ? "exported by the run" : "computed on the executors");
    console.println("| metric | spark | run (metrics.json) |");
    console.println("|---|---:|---:|");
    Map<String, Double> out = new LinkedHashMap<>(result.metrics());
    out.forEach((k, v) -> {
      Double then = recorded.get(r.part() + "/" + k);
      console.printf(Locale.ROOT, "| %s | %.6f | %s |%n", k, v, then == null ? "-" : String.format(Locale.ROOT, "%.6f",
          then));
    });
    return out;
  }

  private static SparkCorpusEvaluation.Options options(TopKEvaluatorConfig c, boolean cosine, int partitions) {
    return new SparkCorpusEvaluation.Options(c.metrics(), c.ks().stream().mapToInt(Integer::intValue).toArray(),
        c.queryBlock(), c.itemBlock(), c.extras(), cosine, partitions, false);
  }

  private static int dim(Path emb) {
    try {
      JsonNode meta = Mappers.JSON.readTree(emb.resolve("embeddings.json").toFile());
      return meta.path("items").path("dim").asInt();
    } catch (IOException e) {
      throw new UserException("Cannot read " + emb.resolve("embeddings.json") + " (" + e.getMessage() + "): the run"
          + " exported no embeddings; compute them on the executors instead (leave out --embeddings exported).");
    }
  }

  static float[] floats(Path file) {
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[b.remaining() / 4];
      b.asFloatBuffer().get(out);
      return out;
    } catch (IOException e) {
      throw new UserException("Cannot read " + file + " (" + e.getMessage() + ").");
    }
  }

  private static Map<String, Double> recorded(Path metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    try {
      Mappers.JSON.readTree(metrics.toFile()).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    } catch (IOException e) {
      // a run without metrics.json: nothing to compare with
    }
    return out;
  }
}

package org.towerlab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.random.Seeds;

/**
 * Large logs as columnar data: Spark splits a Parquet log with raw string and long keys, and the
 * single-machine runner trains and evaluates on the Parquet it wrote (the {@code parquet} source and
 * the {@code given} protocol), with the split sizes Spark reported.
 */
class SparkSplitTest {
  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path input;
  private static Path split;
  private static long[] counts;
  private static String splitOut;

  @BeforeAll
  static void writeLog() {
    spark = Sessions.get("local[2]", "SparkSplitTest", Map.of());
    java.util.SplittableRandom rng = new Seeds(3).stream("log");
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 80; u++) {
      for (int k = 0; k < 8; k++) {
        rows.add(RowFactory.create("user-" + u, 1000L + rng.nextInt(50), 1_600_000_000L + rng.nextInt(1_000_000),
            rng.nextInt(2) == 0 ? 1.0 : 0.0));
      }
    }
    StructType schema = new StructType().add("user", DataTypes.StringType).add("movie", DataTypes.LongType)
        .add("ts", DataTypes.LongType).add("click", DataTypes.DoubleType);
    input = dir.resolve("raw");
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(input.toString());
    split = dir.resolve("split-a");
    // through the command line, in this JVM's session (which the command leaves running)
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int code = SparkGridTest.cliWith(console).execute("data", "split", "--spark", "local[2]", "--input",
        input.toString(), "--out", split.toString(), "--query", "user", "--item", "movie", "--timestamp", "ts",
        "--label", "click", "--valid", "0.1", "--test", "0.2", "--seed", "7", "--part-files", "3");
    splitOut = console.toString(StandardCharsets.UTF_8);
    assertThat(code).as(splitOut).isZero();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("train (\\d+), valid (\\d+), test (\\d+) rows")
        .matcher(splitOut);
    assertThat(m.find()).as(splitOut).isTrue();
    counts = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static SparkSplit.Request request(String out, String in) {
    return new SparkSplit.Request(in, out, "user", "movie", "ts", List.of("click"), 0.1, 0.2, 7, 3);
  }

  @Test
  void run_rawLog_denseIdsPartsAndSameSplitWhateverTheInputFiles() {
    Path out = split;
    assertThat(counts[0] + counts[1] + counts[2]).isEqualTo(640);
    assertThat(counts[2]).isBetween(100L, 190L); // round(8 * 0.2) = 2 of 8 rows per user: 160
    assertThat(counts[1]).isEqualTo(80); // round(0.8) = 1 per user

    Dataset<Row> log = spark.read().parquet(out.resolve("log").toString());
    assertThat(log.agg(org.apache.spark.sql.functions.max("query")).first().getInt(0)).isEqualTo(79);
    // the same rows in one input file give the same split
    Path single = dir.resolve("raw-single");
    spark.read().parquet(input.toString()).coalesce(1).write().parquet(single.toString());
    Path outB = dir.resolve("split-b");
    SparkSplit.run(spark, request(outB.toString(), single.toString()));
    Dataset<Row> other = spark.read().parquet(outB.resolve("log").toString());
    assertThat(log.exceptAll(other).count()).isZero();
    assertThat(other.exceptAll(log).count()).isZero();
  }

  @Test
  void dataSplit_existingOut_exit2AndNothingWritten() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    long before;
    try (var files = Files.walk(split)) {
      before = files.count();
    }
    int code = SparkGridTest.cliWith(console).execute("data", "split", "--spark", "local[2]", "--input",
        input.toString(), "--out", split.toString(), "--query", "user", "--item", "movie");
    assertThat(code).isEqualTo(2);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("exists already").doesNotContain("\tat ");
    try (var files = Files.walk(split)) {
      assertThat(files.count()).isEqualTo(before);
    }
    assertThat(spark.sparkContext().isStopped()).as("the test's session is left running").isFalse();
  }

  @Test
  void run_parquetSplitThenLocalRun_trainerConsumesSparksParts() throws Exception {
    Path out = split;
    Path cfg = dir.resolve("parquet.yaml");
    // the data section 'towerlab data split' printed
    String data = splitOut.lines().filter(l -> l.trim().startsWith("data: {type: parquet")).findFirst().orElseThrow();
    assertThat(data.trim()).isEqualTo("data: {type: parquet, path: " + out.resolve("log")
        + ", protocol: {type: given, label: click}}");
    Files.writeString(cfg, """
        name: parquet-run
        seed: 1
        %s
        model: {type: most-popular}
        evaluators:
          - {type: topk, ks: [5]}
        """.formatted(data.trim()));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int code = SparkGridTest.cliWith(console).execute("run", cfg.toString(), "--out", dir.resolve("runs").toString());
    String text = console.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isZero();
    long positivesTrain = spark.read().parquet(out.resolve("log").toString()).filter("part = 0 and click > 0").count();
    assertThat(text).contains("protocol given: train " + String.format(java.util.Locale.ROOT, "%,d", positivesTrain));
    assertThat(counts[0]).isGreaterThanOrEqualTo(positivesTrain);
    try (var s = Files.walk(dir.resolve("runs"))) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("metrics.json")).count()).isEqualTo(1);
    }
  }
}

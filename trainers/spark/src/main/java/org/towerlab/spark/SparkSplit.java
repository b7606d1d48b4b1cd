package org.towerlab.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.towerlab.api.UserException;

/**
 * Builds a split of a large interaction log with Spark, for the single-machine trainer: reads the
 * log (Parquet, any Hadoop URI), maps the raw query and item keys to dense ids (ordered by key, so
 * the ids do not depend on partitioning), assigns each query's rows to train, valid and test by a
 * per-query ratio, and writes {@code <out>/log} (Parquet part files: {@code query}, {@code item},
 * {@code timestamp}, the labels and {@code part} = 0 train, 1 valid, 2 test, partitioned by
 * {@code part-files} hash of the query), {@code <out>/queries} and {@code <out>/items} (raw key ->
 * dense id). A run then reads it with {@code data: {type: parquet, path: <out>/log}} and the
 * default {@code given} protocol.
 *
 * <p>Within a query, rows are ordered by {@code xxhash64(seed, query key, item key, timestamp)}
 * (ties by item key, then timestamp): the first {@code round(n * test)} go to test, the next
 * {@code round(n * valid)} to valid, the rest to train (queries with one row keep it in train).
 * Deterministic for a seed and the same input rows, whatever the cluster; not the same draw as the
 * local {@code per-user-ratio} protocol (which shuffles with the run's seeded generator), so a
 * Spark-built split is a split of its own, recorded by its files' hashes.
 */
public final class SparkSplit {
  private SparkSplit() {}

  /** What to split and how. */
  public record Request(String input, String out, String queryColumn, String itemColumn, String timestampColumn,
      List<String> labels, double validRatio, double testRatio, long seed, int partFiles) {
    public Request {
      if (!(validRatio >= 0 && testRatio >= 0 && validRatio + testRatio < 1)) {
        throw new UserException("The valid and test ratios must be at least 0 with a sum below 1, got " + validRatio
            + " and " + testRatio + ".");
      }
      labels = labels == null ? List.of() : List.copyOf(labels);
      partFiles = partFiles <= 0 ? 8 : partFiles;
    }
  }

  /** The number of rows per part: {@code [train, valid, test]}. */
  public static long[] run(SparkSession spark, Request r) {
    Dataset<Row> raw = spark.read().parquet(r.input());
    for (String c : required(r)) {
      if (!List.of(raw.columns()).contains(c)) {
        throw new UserException("The log " + r.input() + " has no column '" + c + "' (columns: " + List.of(raw.columns())
            + ").");
      }
    }
    Dataset<Row> queries = dense(spark, raw, r.queryColumn(), "query");
    Dataset<Row> items = dense(spark, raw, r.itemColumn(), "item");
    Column ts = r.timestampColumn() == null ? lit(0L) : col(r.timestampColumn()).cast("long");
    Dataset<Row> log = raw.withColumn("__ts", ts)
        .join(queries, raw.col(r.queryColumn()).equalTo(queries.col("key")), "inner").drop("key")
        .join(items, raw.col(r.itemColumn()).equalTo(items.col("key")), "inner").drop("key");
    WindowSpec byQuery = Window.partitionBy(col("query"))
        .orderBy(col("__h"), col(r.itemColumn()).cast("string"), col("__ts"));
    log = log.withColumn("__h", xxhash64(lit(r.seed()), col(r.queryColumn()).cast("string"),
            col(r.itemColumn()).cast("string"), col("__ts")))
        .withColumn("__k", row_number().over(byQuery))
        .withColumn("__n", count(lit(1)).over(Window.partitionBy(col("query"))));
    Column nTest = functionsRound(col("__n").multiply(r.testRatio()));
    Column nValid = functionsRound(col("__n").multiply(r.validRatio()));
    Column part = when(col("__n").leq(1), lit(0f))
        .when(col("__k").leq(nTest), lit(2f))
        .when(col("__k").leq(nTest.plus(nValid)), lit(1f))
        .otherwise(lit(0f));
    List<Column> out = new ArrayList<>(List.of(col("query").cast("int"), col("item").cast("int"),
        col("__ts").as("timestamp")));
    for (String l : r.labels()) {
      out.add(col(l).cast("float").as(l));
    }
    out.add(part.as("part"));
    Dataset<Row> written = log.select(out.toArray(Column[]::new)).repartition(r.partFiles(), col("query"));
    written.write().mode(SaveMode.ErrorIfExists).parquet(r.out() + "/log");
    queries.write().mode(SaveMode.ErrorIfExists).parquet(r.out() + "/queries");
    items.write().mode(SaveMode.ErrorIfExists).parquet(r.out() + "/items");
    queries.unpersist();
    items.unpersist();
    Dataset<Row> back = spark.read().parquet(r.out() + "/log");
    long[] counts = new long[3];
    for (Row row : back.groupBy("part").count().collectAsList()) {
      counts[(int) row.getFloat(0)] = row.getLong(1);
    }
    return counts;
  }

  private static Column functionsRound(Column c) {
    return org.apache.spark.sql.functions.round(c, 0);
  }

  private static List<String> required(Request r) {
    List<String> c = new ArrayList<>(List.of(r.queryColumn(), r.itemColumn()));
    if (r.timestampColumn() != null) {
      c.add(r.timestampColumn());
    }
    c.addAll(r.labels());
    return c;
  }

  /**
   * {@code key -> id}: the distinct values of {@code column} numbered 0.. in key order (a range-
   * partitioned sort numbered by {@code zipWithIndex}, so no single task sees every key), cached.
   */
  private static Dataset<Row> dense(SparkSession spark, Dataset<Row> raw, String column, String idName) {
    Dataset<Row> keys = raw.select(col(column).as("key")).distinct().sort(col("key"));
    org.apache.spark.api.java.JavaRDD<Row> rows = keys.javaRDD().zipWithIndex()
        .map(t -> org.apache.spark.sql.RowFactory.create(t._1().get(0), Math.toIntExact(t._2())));
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("key", keys.schema().apply("key").dataType())
        .add(idName, org.apache.spark.sql.types.DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema).cache();
  }
}

package org.towerlab.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a TowerLab command. */
final class Sessions {
  private Sessions() {}

  /**
   * The active session, or a new one on {@code master} (null or blank: the master spark-submit
   * set). A local master ({@code local}, {@code local[N]}, {@code local[N,F]}) gets no UI and binds
   * to the loopback address. The executors get the driver's {@code MLFLOW_TRACKING_*} and
   * {@code TOWERLAB_DATA} variables unless the configuration sets them ({@code spark.executorEnv.*};
   * Spark masks values whose names contain TOKEN or PASSWORD in its UI and logs).
   */
  static SparkSession get(String master, String appName, Map<String, String> env) {
    SparkConf conf = new SparkConf(true);
    if (master != null && !master.isBlank()) {
      conf.setMaster(master);
    }
    conf.setIfMissing("spark.app.name", appName);
    String m = conf.get("spark.master", "");
    if (m.startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.sql.shuffle.partitions", "4");
    }
    for (String k : new String[] {"MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD",
        "MLFLOW_TRACKING_TOKEN", "TOWERLAB_DATA"}) {
      String v = env.get(k);
      if (v != null && !v.isBlank()) {
        conf.setIfMissing("spark.executorEnv." + k, v);
      }
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}

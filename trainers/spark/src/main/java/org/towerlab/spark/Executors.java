package org.towerlab.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.towerlab.registry.Registry;
import org.towerlab.trainers.TrainedRun;

/** Per-JVM state of an executor (or of the driver in local mode): the registry, engine threads, Hadoop conf. */
final class Executors {
  private static Registry registry;
  private static final java.util.Map<String, TrainedRun> RUNS = new java.util.HashMap<>();

  private Executors() {}

  /**
   * Before the engine starts in this JVM: PyTorch gets {@code spark.task.cpus} intra-op threads
   * (default 1) unless {@code ai.djl.pytorch.num_threads} is set, so concurrent tasks do not
   * oversubscribe the executor's cores; DJL never downloads.
   */
  static synchronized void init() {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      SparkEnv env = SparkEnv.get();
      String cpus = env == null ? "1" : env.conf().get("spark.task.cpus", "1");
      System.setProperty("ai.djl.pytorch.num_threads", cpus);
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  /**
   * Prepares the calling task thread for the engine: PyTorch's grad mode is per thread and on in a
   * new thread, while the trainers expect it off outside their gradient collectors (as on the
   * thread that started the engine, where DJL turns it off), so a task turns it off first.
   */
  static void taskThread() {
    init();
    ai.djl.engine.Engine.getInstance(); // loads the native library on the first task of this JVM
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
  }

  /** One registry per JVM (discovery scans the class path; the registry is read-only afterwards). */
  static synchronized Registry registry() {
    if (registry == null) {
      registry = Registry.discover();
    }
    return registry;
  }

  /**
   * The finished run in {@code dir}, loaded once per JVM ({@link TrainedRun#load}: data, split,
   * model with its best weights, the item corpus encoded) and kept for the JVM's life, so every task
   * of an executor shares one copy of the item outputs.
   */
  static synchronized TrainedRun trainedRun(String dir) {
    TrainedRun run = RUNS.get(dir);
    if (run == null) {
      taskThread();
      run = TrainedRun.load(registry(), Path.of(dir), System.out);
      RUNS.put(dir, run);
    }
    return run;
  }

  /** The Hadoop configuration with the job's {@code spark.hadoop.*} settings. */
  static Configuration hadoopConf() {
    SparkEnv env = SparkEnv.get();
    return env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // scratch space of a finished task: the executor's temp cleaner removes what is left
    }
  }
}

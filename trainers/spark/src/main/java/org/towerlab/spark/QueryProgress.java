package org.towerlab.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A progress line for the corpus evaluation job, which otherwise prints nothing for the hour a
 * million-query run takes: the tasks add the queries they have ranked to a named accumulator, and
 * this listener reads the running tasks' current values from the executors' heartbeats
 * ({@code spark.executor.heartbeatInterval}, 10 s by default) and the finished tasks' final values
 * from their end events. At most one line per {@code interval}: queries ranked, share, elapsed
 * time and a linear estimate of the time left. A failed task's partial count is dropped (its retry
 * counts again).
 */
final class QueryProgress extends SparkListener {
  private final long accumulatorId;
  private final long total;
  private final PrintStream out;
  private final long intervalNanos;
  private final long start = System.nanoTime();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  /** Tasks that have ended: a heartbeat sent before the end but delivered after it is ignored. */
  private final java.util.Set<Long> ended = ConcurrentHashMap.newKeySet();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong lastPrint = new AtomicLong(start);

  QueryProgress(long accumulatorId, long total, PrintStream out, long intervalMillis) {
    this.accumulatorId = accumulatorId;
    this.total = total;
    this.out = out;
    this.intervalNanos = intervalMillis * 1_000_000L;
  }

  /** Queries ranked so far: finished tasks' totals plus running tasks' latest heartbeat values. */
  long done() {
    long sum = finished.get();
    for (long v : running.values()) {
      sum += v;
    }
    return Math.min(sum, total);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
        : CollectionConverters.asJava(update.accumUpdates())) {
      Long value = valueOf(t._4());
      Long task = (Long) t._1();
      if (value != null && !ended.contains(task)) {
        running.put(task, value);
      }
    }
    maybePrint();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    ended.add(end.taskInfo().taskId());
    running.remove(end.taskInfo().taskId());
    if (end.taskInfo().successful()) {
      Long value = valueOf(end.taskInfo().accumulables());
      if (value != null) {
        finished.addAndGet(value);
      }
    }
    maybePrint();
  }

  private Long valueOf(scala.collection.Seq<AccumulableInfo> infos) {
    for (AccumulableInfo a : CollectionConverters.asJava(infos)) {
      if (a.id() == accumulatorId && a.update().isDefined() && a.update().get() instanceof Number n) {
        return n.longValue();
      }
    }
    return null;
  }

  private void maybePrint() {
    long now = System.nanoTime();
    long last = lastPrint.get();
    if (now - last >= intervalNanos && lastPrint.compareAndSet(last, now)) {
      out.println(line(done(), now - start));
    }
  }

  /** One progress line, e.g. {@code corpus evaluation: 120,832 / 1,000,000 queries ranked (12.1%), 7m 02s, about 51m left}. */
  String line(long done, long elapsedNanos) {
    double share = total == 0 ? 1 : (double) done / total;
    String left = done == 0 ? "" : ", about " + duration((long) (elapsedNanos * (1 - share) / share)) + " left";
    return String.format(Locale.ROOT, "corpus evaluation: %,d / %,d queries ranked (%.1f%%), %s%s", done, total,
        100 * share, duration(elapsedNanos), left);
  }

  static String duration(long nanos) {
    long s = nanos / 1_000_000_000L;
    return s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
  }
}

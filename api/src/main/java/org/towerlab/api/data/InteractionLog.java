package org.towerlab.api.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An interaction log stored by column: row {@code r} says that query {@code queries()[r]} met item
 * {@code items()[r]} at {@code timestamps()[r]}, with any number of named labels (rating, click,
 * like, semantic relevance, ...). Optional columns ({@code null} when the source has none):
 * <ul>
 *   <li>{@code exposed}: true when the item was shown to the user. A shown row whose labels are 0
 *       is a real negative (shown, not engaged). A row with {@code exposed = false} is a candidate
 *       that a logging stage considered but never showed (the simulated cascade records them); it
 *       has no feedback.
 *   <li>{@code positions}: the display position;
 *   <li>{@code propensities}: the logging policy's probability of showing the item;
 *   <li>{@code requests}: a request id grouping the rows of one request (what was retrieved, ranked
 *       and shown together: one candidate list for ARF, RankFlow and other list-wise methods);
 *   <li>{@code stages}: for cascade logs, the index of the last logging stage the candidate passed
 *       (0 = retrieved, 1 = pre-ranked, ...; shown rows have the last stage).
 * </ul>
 *
 * <p>Immutable by convention: the arrays are shared, never written after construction.
 */
public final class InteractionLog {
  private final int[] queries;
  private final int[] items;
  private final long[] timestamps;
  private final Map<String, float[]> labels;
  private final boolean[] exposed;
  private final int[] positions;
  private final float[] propensities;
  private final long[] requests;
  private final int[] stages;

  public InteractionLog(int[] queries, int[] items, long[] timestamps, Map<String, float[]> labels,
      boolean[] exposed, int[] positions, float[] propensities) {
    this(queries, items, timestamps, labels, exposed, positions, propensities, null);
  }

  /** With a request id per row ({@code null} when rows are not grouped into lists). */
  public InteractionLog(int[] queries, int[] items, long[] timestamps, Map<String, float[]> labels,
      boolean[] exposed, int[] positions, float[] propensities, long[] requests) {
    this(queries, items, timestamps, labels, exposed, positions, propensities, requests, null);
  }

  /** With request ids and the logging stage each candidate reached (either may be {@code null}). */
  public InteractionLog(int[] queries, int[] items, long[] timestamps, Map<String, float[]> labels,
      boolean[] exposed, int[] positions, float[] propensities, long[] requests, int[] stages) {
    int n = queries.length;
    if (items.length != n || timestamps.length != n) {
      throw new IllegalArgumentException("interaction columns differ in length: queries " + n
          + ", items " + items.length + ", timestamps " + timestamps.length);
    }
    for (Map.Entry<String, float[]> e : labels.entrySet()) {
      if (e.getValue().length != n) {
        throw new IllegalArgumentException("label '" + e.getKey() + "' has " + e.getValue().length + " rows, expected " + n);
      }
    }
    if ((exposed != null && exposed.length != n) || (positions != null && positions.length != n)
        || (propensities != null && propensities.length != n) || (requests != null && requests.length != n)
        || (stages != null && stages.length != n)) {
      throw new IllegalArgumentException("an optional interaction column differs in length from " + n);
    }
    this.queries = queries;
    this.items = items;
    this.timestamps = timestamps;
    this.labels = new LinkedHashMap<>(labels);
    this.exposed = exposed;
    this.positions = positions;
    this.propensities = propensities;
    this.requests = requests;
    this.stages = stages;
  }

  public int size() {
    return queries.length;
  }

  public int[] queries() {
    return queries;
  }

  public int[] items() {
    return items;
  }

  public long[] timestamps() {
    return timestamps;
  }

  public Set<String> labelNames() {
    return labels.keySet();
  }

  public boolean hasLabel(String name) {
    return labels.containsKey(name);
  }

  /** The named label column; throws with the known names when absent. */
  public float[] label(String name) {
    float[] v = labels.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no label '" + name + "'; this log has " + labels.keySet());
    }
    return v;
  }

  public Map<String, float[]> labels() {
    return java.util.Collections.unmodifiableMap(labels);
  }

  /** Exposure flags, or {@code null} when every row is an interaction. */
  public boolean[] exposed() {
    return exposed;
  }

  /** Display positions, or {@code null}. */
  public int[] positions() {
    return positions;
  }

  /** Logging propensities, or {@code null}. */
  public float[] propensities() {
    return propensities;
  }

  /** Request ids (rows shown together share one), or {@code null}. */
  public long[] requests() {
    return requests;
  }

  /** Logging stage reached by each row, or {@code null}. */
  public int[] stages() {
    return stages;
  }

  /** The same rows with {@code labels} in place of this log's labels (other columns shared). */
  public InteractionLog withLabels(Map<String, float[]> newLabels) {
    return new InteractionLog(queries, items, timestamps, newLabels, exposed, positions, propensities, requests,
        stages);
  }

  /** The same rows and columns plus (or replacing) one label. */
  public InteractionLog withLabel(String name, float[] values) {
    Map<String, float[]> lab = new LinkedHashMap<>(labels);
    lab.put(name, values);
    return withLabels(lab);
  }

  /** The rows where {@code keep[r]} is true, in row order. */
  public InteractionLog filter(boolean[] keep) {
    if (keep.length != size()) {
      throw new IllegalArgumentException("filter has " + keep.length + " flags for " + size() + " rows");
    }
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    int[] rows = new int[n];
    int j = 0;
    for (int r = 0; r < keep.length; r++) {
      if (keep[r]) {
        rows[j++] = r;
      }
    }
    return select(rows);
  }

  /** The rows at {@code rows}, in that order, as a new log sharing nothing with this one. */
  public InteractionLog select(int[] rows) {
    int[] q = new int[rows.length];
    int[] it = new int[rows.length];
    long[] ts = new long[rows.length];
    Map<String, float[]> lab = new LinkedHashMap<>();
    for (String name : labels.keySet()) {
      lab.put(name, new float[rows.length]);
    }
    boolean[] ex = exposed == null ? null : new boolean[rows.length];
    int[] pos = positions == null ? null : new int[rows.length];
    float[] pr = propensities == null ? null : new float[rows.length];
    long[] rq = requests == null ? null : new long[rows.length];
    int[] st = stages == null ? null : new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      q[i] = queries[r];
      it[i] = items[r];
      ts[i] = timestamps[r];
      for (Map.Entry<String, float[]> e : labels.entrySet()) {
        lab.get(e.getKey())[i] = e.getValue()[r];
      }
      if (ex != null) {
        ex[i] = exposed[r];
      }
      if (pos != null) {
        pos[i] = positions[r];
      }
      if (pr != null) {
        pr[i] = propensities[r];
      }
      if (rq != null) {
        rq[i] = requests[r];
      }
      if (st != null) {
        st[i] = stages[r];
      }
    }
    return new InteractionLog(q, it, ts, lab, ex, pos, pr, rq, st);
  }
}

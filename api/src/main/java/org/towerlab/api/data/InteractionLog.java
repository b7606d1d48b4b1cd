package org.towerlab.api.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An interaction log stored by column: row {@code r} says that query {@code queries()[r]} met item
 * {@code items()[r]} at {@code timestamps()[r]}, with any number of named labels (rating, click,
 * like, semantic relevance, ...). Optional columns ({@code null} when the source has none): the
 * exposure flag (false = shown but not interacted with, used as a real negative), the display
 * position, the logging policy's propensity of showing the item, and a request id grouping the rows
 * shown together (one candidate list: ARF, RankFlow and other list-wise methods).
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

  public InteractionLog(int[] queries, int[] items, long[] timestamps, Map<String, float[]> labels,
      boolean[] exposed, int[] positions, float[] propensities) {
    this(queries, items, timestamps, labels, exposed, positions, propensities, null);
  }

  /** With a request id per row ({@code null} when rows are not grouped into lists). */
  public InteractionLog(int[] queries, int[] items, long[] timestamps, Map<String, float[]> labels,
      boolean[] exposed, int[] positions, float[] propensities, long[] requests) {
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
        || (propensities != null && propensities.length != n) || (requests != null && requests.length != n)) {
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
    }
    return new InteractionLog(q, it, ts, lab, ex, pos, pr, rq);
  }
}

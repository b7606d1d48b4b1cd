package org.towerlab.api.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-entity feature values of one side, stored by column. Entity {@code e}'s value of a
 * categorical field is {@code categorical(name)[e]}; of a multi-categorical field
 * {@code multiCategorical(name)[e]} (an int array, possibly empty); of a dense field the slice
 * {@code [e * dim, (e + 1) * dim)} of {@code dense(name)}. Sequence fields are not stored here:
 * they are derived per example from the training log (see {@link FieldKind#SEQUENCE}).
 *
 * <p>The {@code id} field is implicit: entity ids are {@code 0 .. size-1}. A source that remaps
 * the ids of its files may record the original id of each entity ({@link #keys()}), so that files
 * keyed by those ids (precomputed embeddings, relevance pairs) can be joined later.
 */
public final class FeatureTable {
  private final Side side;
  private final int size;
  private final Map<String, int[]> categorical;
  private final Map<String, int[][]> multiCategorical;
  private final Map<String, float[]> dense;
  private final String[] keys;

  private FeatureTable(Builder b) {
    this.side = b.side;
    this.size = b.size;
    this.categorical = Map.copyOf(b.categorical);
    this.multiCategorical = Map.copyOf(b.multiCategorical);
    this.dense = Map.copyOf(b.dense);
    this.keys = b.keys;
  }

  /**
   * The original id of each entity as written in the source's files (entity {@code e} is
   * {@code keys()[e]}), or {@code null} when the source does not record them: then the files'
   * ids are the entity ids {@code 0 .. size-1} themselves (the simulator).
   */
  public String[] keys() {
    return keys == null ? null : keys.clone();
  }

  /** The original id of entity {@code e}, or {@code e} itself when no keys are recorded. */
  public String key(int e) {
    return keys == null ? Integer.toString(e) : keys[e];
  }

  public Side side() {
    return side;
  }

  /** Number of entities (queries or items). */
  public int size() {
    return size;
  }

  public int[] categorical(String field) {
    return require(categorical, field);
  }

  public int[][] multiCategorical(String field) {
    return require(multiCategorical, field);
  }

  public float[] dense(String field) {
    return require(dense, field);
  }

  public boolean has(String field) {
    return categorical.containsKey(field) || multiCategorical.containsKey(field) || dense.containsKey(field);
  }

  private <T> T require(Map<String, T> map, String field) {
    T v = map.get(field);
    if (v == null) {
      throw new IllegalArgumentException("no " + side.name().toLowerCase() + " field '" + field + "' in this table");
    }
    return v;
  }

  public static Builder builder(Side side, int size) {
    return new Builder(side, size);
  }

  /** Builds a table; each column must have one value per entity. */
  public static final class Builder {
    private final Side side;
    private final int size;
    private final Map<String, int[]> categorical = new LinkedHashMap<>();
    private final Map<String, int[][]> multiCategorical = new LinkedHashMap<>();
    private final Map<String, float[]> dense = new LinkedHashMap<>();
    private String[] keys;

    private Builder(Side side, int size) {
      this.side = side;
      this.size = size;
    }

    public Builder categorical(String name, int[] values) {
      check(name, values.length, 1);
      categorical.put(name, values);
      return this;
    }

    public Builder multiCategorical(String name, int[][] values) {
      check(name, values.length, 1);
      multiCategorical.put(name, values);
      return this;
    }

    public Builder dense(String name, float[] values, int dim) {
      check(name, values.length, dim);
      dense.put(name, values);
      return this;
    }

    /** The original id of each entity, one per entity ({@link FeatureTable#keys()}). */
    public Builder keys(String[] originalIds) {
      if (originalIds.length != size) {
        throw new IllegalArgumentException("keys has " + originalIds.length + " values, expected " + size);
      }
      keys = originalIds.clone();
      return this;
    }

    private void check(String name, int length, int width) {
      if (length != size * width) {
        throw new IllegalArgumentException("column '" + name + "' has " + length + " values, expected " + size * width);
      }
    }

    public FeatureTable build() {
      return new FeatureTable(this);
    }
  }
}

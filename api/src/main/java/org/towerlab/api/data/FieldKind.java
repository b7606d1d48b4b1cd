package org.towerlab.api.data;

/** How a feature field is stored and batched. */
public enum FieldKind {
  /** One id in {@code [0, cardinality)} per entity. Batched as int64 {@code [N]}. */
  CATEGORICAL,
  /** A bag of ids (for example genres). Batched as int64 {@code [N, L]}, ids shifted by +1, 0 = padding. */
  MULTI_CATEGORICAL,
  /** A float vector of {@code dim} values (for example a text embedding). Batched as float32 {@code [N, dim]}. */
  DENSE,
  /**
   * A behaviour sequence of item ids, built per example from the training interactions strictly
   * before the example's timestamp. Batched as int64 {@code [N, L]} of item ids shifted by +1 (0 =
   * padding), most recent last.
   */
  SEQUENCE
}

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
   * A behaviour sequence built per example from the training positives strictly before the
   * example's timestamp (never from valid or test rows), the most recent {@code maxLength}, oldest
   * first, ties in log order. On the query side it holds the items the query engaged; on the item
   * side the queries that engaged the item (its most recent engaging queries). Its cardinality is
   * therefore the other side's entity count. Batched as int64 {@code [N, L]} of the other side's
   * ids shifted by +1, left-padded with 0. In a training step a row's item is dated by that row
   * (also where it serves as another row's in-batch candidate), a row's own sampled candidates by
   * that row, shared candidates by the batch's earliest row; at evaluation time the whole training
   * history is used. A query-side sequence may be by-category ({@link FieldSpec#byCategory()}):
   * then it is batched {@code [N, K, L]}, one sub-sequence per item-category context, with the
   * contexts' categories in a companion field ({@link FieldSpec.ByCategory}).
   */
  SEQUENCE
}

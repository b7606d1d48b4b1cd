package org.towerlab.api.data;

/**
 * One feature field of a schema.
 *
 * @param name field name, unique within its side ({@code id} is the entity id on both sides)
 * @param side query side or item side
 * @param kind storage kind
 * @param cardinality number of distinct ids for categorical, multi-categorical and sequence fields
 *     (for sequences: the other side's entity count, the item count for a query-side sequence and
 *     the query count for an item-side one); 0 for dense fields
 * @param dim vector width of dense fields; 0 otherwise
 * @param maxLength maximum bag or sequence length kept (the most recent for sequences); 0 for
 *     categorical and dense fields
 * @param key for a {@link FieldKind#PAIR} field, the item-side field whose values it counts
 *     (categorical, multi-categorical or {@code id}); null for every other kind
 */
public record FieldSpec(String name, Side side, FieldKind kind, int cardinality, int dim, int maxLength,
    String key) {

  public FieldSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("field name is empty");
    }
    if (kind != FieldKind.DENSE && cardinality <= 0) {
      throw new IllegalArgumentException("field '" + name + "' needs a positive cardinality, got " + cardinality);
    }
    if (kind == FieldKind.DENSE && dim <= 0) {
      throw new IllegalArgumentException("dense field '" + name + "' needs a positive dim, got " + dim);
    }
    if ((kind == FieldKind.MULTI_CATEGORICAL || kind == FieldKind.SEQUENCE) && maxLength <= 0) {
      throw new IllegalArgumentException("field '" + name + "' needs a positive maxLength, got " + maxLength);
    }
    if ((kind == FieldKind.PAIR) != (key != null)) {
      throw new IllegalArgumentException("field '" + name + "': a key is required for pair fields and only for"
          + " them, got kind " + kind + " and key " + key);
    }
    if (kind == FieldKind.PAIR && (side != Side.QUERY || dim != cardinality)) {
      throw new IllegalArgumentException("pair field '" + name + "' is a query-side field of width equal to its"
          + " key's cardinality, got side " + side + ", dim " + dim + ", cardinality " + cardinality);
    }
  }

  /** A field of any kind but {@link FieldKind#PAIR} (no key). */
  public FieldSpec(String name, Side side, FieldKind kind, int cardinality, int dim, int maxLength) {
    this(name, side, kind, cardinality, dim, maxLength, null);
  }

  public static FieldSpec categorical(String name, Side side, int cardinality) {
    return new FieldSpec(name, side, FieldKind.CATEGORICAL, cardinality, 0, 0);
  }

  public static FieldSpec multiCategorical(String name, Side side, int cardinality, int maxLength) {
    return new FieldSpec(name, side, FieldKind.MULTI_CATEGORICAL, cardinality, 0, maxLength);
  }

  public static FieldSpec dense(String name, Side side, int dim) {
    return new FieldSpec(name, side, FieldKind.DENSE, 0, dim, 0);
  }

  /**
   * A sequence field ({@link FieldKind#SEQUENCE}).
   *
   * @param otherSideCount the number of entities of the other side (items for a query-side
   *     sequence, queries for an item-side one)
   */
  public static FieldSpec sequence(String name, Side side, int otherSideCount, int maxLength) {
    return new FieldSpec(name, side, FieldKind.SEQUENCE, otherSideCount, 0, maxLength);
  }

  /**
   * A pair field ({@link FieldKind#PAIR}): the query's engagement count per value of the item-side
   * field {@code key}, batched as {@code [N, keyCardinality]}.
   */
  public static FieldSpec pair(String name, String key, int keyCardinality) {
    return new FieldSpec(name, Side.QUERY, FieldKind.PAIR, keyCardinality, keyCardinality, 0, key);
  }
}

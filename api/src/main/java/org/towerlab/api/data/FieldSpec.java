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
 * @param byCategory for a query-side sequence: keep only the items of one item category per
 *     context (LongRetriever's per-category sub-sequences, see {@link ByCategory}); {@code null}
 *     for a flat sequence and every other kind
 */
public record FieldSpec(String name, Side side, FieldKind kind, int cardinality, int dim, int maxLength,
    ByCategory byCategory) {

  /** The suffix of the companion field that names each context's category ({@link #categoryField}). */
  public static final String CATEGORY_SUFFIX = ".category";

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
    if (byCategory != null && (kind != FieldKind.SEQUENCE || side != Side.QUERY)) {
      throw new IllegalArgumentException("field '" + name + "': only a query-side sequence can be by-category, got a "
          + side.name().toLowerCase() + "-side " + kind.name().toLowerCase() + " field");
    }
  }

  /** A field without the by-category option. */
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
   * A query-side sequence of items grouped by item category ({@link ByCategory}): per context, the
   * most recent {@code maxLength} training positives of one category.
   *
   * @param itemCount the number of items
   */
  public static FieldSpec categorySequence(String name, int itemCount, int maxLength, ByCategory byCategory) {
    if (byCategory == null) {
      throw new IllegalArgumentException("field '" + name + "': categorySequence needs its ByCategory option");
    }
    return new FieldSpec(name, Side.QUERY, FieldKind.SEQUENCE, itemCount, 0, maxLength, byCategory);
  }

  /** Whether this is a by-category sequence (batched {@code [N, K, L]}, see {@link ByCategory}). */
  public boolean isByCategory() {
    return byCategory != null;
  }

  /** The name of the companion field holding each context's category of the by-category sequence {@code field}. */
  public static String categoryField(String field) {
    return field + CATEGORY_SUFFIX;
  }

  /**
   * The by-category option of a query-side sequence (LongRetriever: Ren et al., "LongRetriever:
   * Towards Ultra-Long Sequence based Candidate Retrieval for Recommendation", arXiv 2508.15486,
   * 2025). A <em>context</em> is one item category {@code c}; its sub-sequence holds the query's
   * training positives whose item has category {@code c} ({@link Dataset#itemCategory()}), strictly
   * before the cutoff time, the most recent {@code maxLength}, oldest first. Batched as int64
   * {@code [N, K, L]} (item ids + 1, left-padded with 0), with the companion field
   * {@link #categoryField(String) name.category}, int64 {@code [N, K]}: each context's category + 1,
   * 0 for an empty slot (its sequence is all padding). Which contexts a batch holds:
   * <ul>
   *   <li>in a training step, one per example ({@code K = 1}): the category of the example's target
   *       item (in-context training), dated by the example's time;
   *   <li>when a caller requests categories, those (padded to the longest request);
   *   <li>otherwise (evaluation, serving) the query's {@code contexts} categories chosen by
   *       {@code select} among the categories of its training positives before the cutoff (the
   *       whole training history at evaluation), fewer when it has fewer, the rest empty slots.
   * </ul>
   * Both paths build each sub-sequence with the same function, so a context's sequence depends only
   * on (query, category, cutoff), never on the query's behaviours in other categories.
   *
   * @param contexts K, the number of categories chosen per query when none is requested; positive
   * @param select how they are chosen: {@link Select#FREQUENCY} or {@link Select#RECENCY}
   */
  public record ByCategory(int contexts, Select select) {
    public ByCategory {
      if (contexts <= 0) {
        throw new IllegalArgumentException("a by-category sequence needs a positive number of contexts, got "
            + contexts);
      }
      if (select == null) {
        throw new IllegalArgumentException("a by-category sequence needs a selection rule (frequency or recency)");
      }
    }

    /** How the serving contexts are chosen among the categories of the query's history. */
    public enum Select {
      /** Most positives before the cutoff first; ties: most recent last positive, then lower category id. */
      FREQUENCY,
      /** Most recent last positive before the cutoff first; ties: more positives, then lower category id. */
      RECENCY;

      /** {@code frequency} or {@code recency} (case-insensitive); throws naming both otherwise. */
      public static Select parse(String s) {
        if (s != null) {
          for (Select v : values()) {
            if (v.name().equalsIgnoreCase(s)) {
              return v;
            }
          }
        }
        throw new IllegalArgumentException("select must be frequency or recency, got '" + s + "'");
      }
    }
  }
}

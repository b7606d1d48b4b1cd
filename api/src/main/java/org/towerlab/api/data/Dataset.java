package org.towerlab.api.data;

import java.util.Map;
import java.util.Optional;

/**
 * A loaded data set: the schema, per-entity features of both sides, the interaction log, and what
 * is needed to record where it came from.
 *
 * @param name short name ({@code ml-100k}, {@code simulator}, ...)
 * @param queryKind whether queries are users or items
 * @param schema feature fields of both sides; each side has a categorical {@code id} field
 * @param queryFeatures query-side features, one row per query id
 * @param itemFeatures item-side features, one row per item id (the item corpus)
 * @param log all interactions, before any split
 * @param itemCategory the primary category of each item, or {@code null} if the source has none
 *     (used by category-aware samplers and losses, for example DAT's category alignment)
 * @param files provenance of each file read: path to "sha256:...;rows=N"
 * @param groundTruth the true relevance behind a simulated data set, if any
 * @param relevance the semantic relevance of an item to a query computed from content, or
 *     {@code null}; set by related-item sources ({@link QueryKind#ITEM}), see {@link PairRelevance}
 */
public record Dataset(
    String name,
    QueryKind queryKind,
    Schema schema,
    FeatureTable queryFeatures,
    FeatureTable itemFeatures,
    InteractionLog log,
    int[] itemCategory,
    Map<String, String> files,
    GroundTruth groundTruth,
    PairRelevance relevance) {

  public Dataset {
    files = files == null ? Map.of() : Map.copyOf(files);
    if (itemCategory != null && itemCategory.length != itemFeatures.size()) {
      throw new IllegalArgumentException("itemCategory has " + itemCategory.length + " entries for "
          + itemFeatures.size() + " items");
    }
  }

  /** A data set without a semantic relevance rule. */
  public Dataset(String name, QueryKind queryKind, Schema schema, FeatureTable queryFeatures,
      FeatureTable itemFeatures, InteractionLog log, int[] itemCategory, Map<String, String> files,
      GroundTruth groundTruth) {
    this(name, queryKind, schema, queryFeatures, itemFeatures, log, itemCategory, files, groundTruth, null);
  }

  public int numQueries() {
    return queryFeatures.size();
  }

  public int numItems() {
    return itemFeatures.size();
  }

  public Optional<GroundTruth> truth() {
    return Optional.ofNullable(groundTruth);
  }
}

package org.towerlab.modules.metarelated;

import java.util.List;

/**
 * One term of a semantic relevance rule ({@link RelevanceConfig}): a similarity {@code s} of the
 * seed item {@code a} and the candidate {@code b} in {@code [0, 1]}, computed from item content.
 *
 * <ul>
 *   <li>{@code jaccard}: {@code |A ∩ B| / |A ∪ B|} of a multi-categorical item field (genres, title
 *       tokens, tags); 0 when both bags are empty;
 *   <li>{@code match}: 1 when a categorical item field is equal on both items (the data set's item
 *       category when {@code field} is omitted: the topic match of the paper), else 0;
 *   <li>{@code proximity}: {@code max(0, 1 - |x_a - x_b| / span)} of a categorical field whose
 *       values are ordered (ML-100K's release-year bucket);
 *   <li>{@code cosine}: {@code max(0, cos(x_a, x_b))} of a dense item field (text or image
 *       embeddings, the simulator's noisy {@code content});
 *   <li>{@code truth}: {@code max(0, GroundTruth.itemSimilarity(a, b))}, the cosine of the
 *       simulator's true latent item vectors;
 *   <li>{@code pairs}: a value read from a file of (seed, item, value) rows, keyed by the source's
 *       original item ids, in {@code [0, 1]}; pairs not in the file get 0 (a user-supplied
 *       relevance column).
 * </ul>
 *
 * @param kind one of {@link #KINDS}
 * @param field the item field the term reads (jaccard, match, proximity, cosine); for
 *     {@code match} null means the data set's item category
 * @param weight the term's weight in the rule's weighted mean; default 1
 * @param span proximity only: the distance at which the similarity reaches 0; default 1
 * @param unknown match and proximity: a field value that means "unknown" and never matches (0 for
 *     ML-100K's year bucket); default none
 * @param file pairs only: the file (CSV or TSV with a header line)
 * @param seedColumn pairs only: the column of the seed item id; default {@code seed}
 * @param itemColumn pairs only: the column of the candidate item id; default {@code item}
 * @param valueColumn pairs only: the column of the relevance value in {@code [0, 1]}; default
 *     {@code relevance}
 * @param symmetric pairs only: whether a row (a, b) also gives (b, a) when the file has no row for
 *     (b, a); default true
 */
public record RelevanceTermConfig(String kind, String field, Double weight, Double span, Integer unknown, String file,
    String seedColumn, String itemColumn, String valueColumn, Boolean symmetric) {

  /** The term kinds, in documentation order. */
  public static final List<String> KINDS = List.of("jaccard", "match", "proximity", "cosine", "truth", "pairs");

  public RelevanceTermConfig {
    if (kind == null || !KINDS.contains(kind)) {
      throw new IllegalArgumentException("a relevance term needs kind: one of " + KINDS + ", got " + kind);
    }
    weight = weight == null ? 1.0 : weight;
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("relevance term '" + kind + "': weight must be a positive number, got "
          + weight);
    }
    span = span == null ? 1.0 : span;
    if (!(span > 0) || !Double.isFinite(span)) {
      throw new IllegalArgumentException("relevance term '" + kind + "': span must be positive, got " + span);
    }
    boolean needsField = kind.equals("jaccard") || kind.equals("proximity") || kind.equals("cosine");
    if (needsField && (field == null || field.isBlank())) {
      throw new IllegalArgumentException("relevance term '" + kind + "' needs field: the item field it reads, got "
          + field);
    }
    if ((kind.equals("truth") || kind.equals("pairs")) && field != null) {
      throw new IllegalArgumentException("relevance term '" + kind + "' reads no field, got field: " + field);
    }
    if (kind.equals("pairs")) {
      if (file == null || file.isBlank()) {
        throw new IllegalArgumentException("relevance term 'pairs' needs file: a CSV of seed, item, value rows, got "
            + file);
      }
    } else if (file != null) {
      throw new IllegalArgumentException("relevance term '" + kind + "' reads no file, got file: " + file);
    }
    seedColumn = seedColumn == null ? "seed" : seedColumn;
    itemColumn = itemColumn == null ? "item" : itemColumn;
    valueColumn = valueColumn == null ? "relevance" : valueColumn;
    symmetric = symmetric == null ? Boolean.TRUE : symmetric;
  }

  /** A term of {@code kind} on {@code field} with {@code weight} (other keys default). */
  public static RelevanceTermConfig of(String kind, String field, double weight) {
    return new RelevanceTermConfig(kind, field, weight, null, null, null, null, null, null, null);
  }

  /** One line: {@code 0.6 jaccard(genres)}. */
  String describe() {
    String arg = switch (kind) {
      case "match" -> field == null ? "category" : field;
      case "proximity" -> field + ", span " + span;
      case "truth" -> "latent";
      case "pairs" -> file;
      default -> field;
    };
    return weight + " " + kind + "(" + arg + ")";
  }
}

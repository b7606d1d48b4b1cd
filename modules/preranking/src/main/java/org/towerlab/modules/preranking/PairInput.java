package org.towerlab.modules.preranking;

/**
 * One cross feature of the three-tower model: a query-side pair field and the item key it counts.
 *
 * @param field the pair field's name; the query tower passes its counts {@code [N, K]} as the
 *     extra {@code pair:<field>}
 * @param key the item field it counts ({@code id}, a categorical or a multi-categorical field);
 *     the item tower passes each item's key as the extra {@code pair-key:<key>}: int64 {@code [N]},
 *     or {@code [N, L]} of values + 1 with 0 as padding for a multi-categorical key
 * @param width K, the key's cardinality
 * @param bag whether the key is multi-categorical (the pair value is then the mean count over the
 *     item's key values)
 */
public record PairInput(String field, String key, int width, boolean bag) {

  String queryExtra() {
    return "pair:" + field;
  }

  String itemExtra() {
    return "pair-key:" + key;
  }
}

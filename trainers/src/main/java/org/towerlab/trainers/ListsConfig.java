package org.towerlab.trainers;

/**
 * Where list-wise training ({@code trainer.rows: lists}) gets its candidate lists.
 *
 * @param source {@code requests} (the logged rows of each training request: what was retrieved,
 *     ranked and shown together), {@code sampled} (each training positive followed by the
 *     sampler's candidates, labelled 0), or {@code upstream} (each training positive followed by
 *     the previous cascade stage's top-M for its query; only inside a {@code cascade} stage);
 *     default {@code requests} when the split has request ids, else {@code sampled}
 * @param size list length L (longer lists are cut, shorter ones padded and masked); default 20
 * @param label the label giving each slot's grade; default {@code positive}. Slots without a
 *     logged row (unexposed or sampled candidates) get 0
 * @param unexposed whether a request's logged candidates that were never shown join its list
 *     (label 0); default false
 */
public record ListsConfig(String source, Integer size, String label, Boolean unexposed) {

  public ListsConfig {
    if (source != null && !java.util.List.of("requests", "sampled", "upstream").contains(source)) {
      throw new IllegalArgumentException("lists.source must be requests, sampled or upstream, got '" + source + "'");
    }
    size = size == null ? 20 : size;
    if (size < 2) {
      throw new IllegalArgumentException("lists.size must be >= 2, got " + size);
    }
    label = label == null ? "positive" : label;
    unexposed = unexposed == null ? Boolean.FALSE : unexposed;
  }

  public static ListsConfig defaults() {
    return new ListsConfig(null, null, null, null);
  }
}

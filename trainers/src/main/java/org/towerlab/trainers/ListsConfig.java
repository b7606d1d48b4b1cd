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
 * @param unit what one upstream list stands for (source {@code upstream} only): {@code positive}
 *     (one list per training positive: the positive, then {@code size - 1} candidates drawn from
 *     the upstream top-M; the default) or {@code request} (one list per training request: exactly
 *     the upstream stage's current top-{@code min(M, size)} in its order, each candidate graded by
 *     its logged label in that request when it was shown there and 0 otherwise: RankFlow's space
 *     after the upstream truncation)
 */
public record ListsConfig(String source, Integer size, String label, Boolean unexposed, String unit) {

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
    unit = unit == null ? "positive" : unit;
    if (!java.util.List.of("positive", "request").contains(unit)) {
      throw new IllegalArgumentException("lists.unit must be positive or request, got '" + unit + "'");
    }
    if (unit.equals("request") && !"upstream".equals(source)) {
      throw new IllegalArgumentException("lists.unit: request applies to source: upstream (the requests source is"
          + " per request already, the sampled one per positive), got source '" + source + "'");
    }
  }

  /** Without {@code unit} (per positive). */
  public ListsConfig(String source, Integer size, String label, Boolean unexposed) {
    this(source, size, label, unexposed, null);
  }

  public static ListsConfig defaults() {
    return new ListsConfig(null, null, null, null, null);
  }
}

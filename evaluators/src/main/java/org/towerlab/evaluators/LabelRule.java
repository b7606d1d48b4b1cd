package org.towerlab.evaluators;

import java.util.TreeSet;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;

/**
 * Which rows of a split part are relevant to an evaluator: the rows whose {@code label} value is
 * at least {@code minLabel}, or positive when {@code minLabel} is null. The default label
 * {@code positive} reads the part's positive rows ({@link EvalContext#target()}) and adds no key
 * prefix, exactly as before labels existed; any other label reads the part's shown logged rows
 * ({@code split.logged(part)} without the candidates that were never shown) when the split has
 * logged rows, else its positive rows, and prefixes keys with {@code <label>/}.
 */
record LabelRule(String label, Double minLabel) {
  static final String POSITIVE = "positive";

  LabelRule {
    label = label == null ? POSITIVE : label;
  }

  boolean isDefault() {
    return POSITIVE.equals(label);
  }

  /** {@code "<label>/"}, or the empty string for the default label. */
  String prefix() {
    return isDefault() ? "" : label + "/";
  }

  /** Whether a row with label value {@code v} is relevant. */
  boolean relevant(float v) {
    return minLabel == null ? v > 0f : v >= minLabel;
  }

  /** The rows of the part this rule reads (see the class comment). */
  InteractionLog rows(EvalContext ctx) {
    if (isDefault() || !ctx.split().hasLogged()) {
      return ctx.target();
    }
    return PointwiseEvaluator.shown(ctx.split().logged(ctx.part()));
  }

  /**
   * 1 for the relevant rows of {@code rows}, 0 for the others; {@code null} (every row) for the
   * default label on a log without a {@code positive} column, as before labels existed.
   */
  float[] keep(InteractionLog rows, String path, String type, Split split) {
    if (isDefault() && minLabel == null && !rows.hasLabel(POSITIVE)) {
      return null;
    }
    if (!rows.hasLabel(label)) {
      throw new UserException(missing(path, type, split, rows));
    }
    float[] v = rows.label(label);
    float[] out = new float[v.length];
    for (int r = 0; r < v.length; r++) {
      out[r] = relevant(v[r]) ? 1f : 0f;
    }
    return out;
  }

  /** Null when the split's rows carry the label, else the reason (for the runner's check). */
  String incompatibility(Split split, String path, String type) {
    if (isDefault()) {
      return null;
    }
    InteractionLog rows = split.hasLogged() ? split.logged("test") : split.test();
    return rows.hasLabel(label) ? null : missing(path, type, split, rows);
  }

  private String missing(String path, String type, Split split, InteractionLog rows) {
    return "The " + type + " evaluator at " + path + " asks for label '" + label + "' (" + path
        + ".label), but the split of data set '" + split.dataset().name() + "' by protocol '" + split.protocol()
        + "' has the labels " + new TreeSet<>(rows.labelNames()) + ". Set " + path + ".label to one of them.";
  }
}

package org.towerlab.api.data;

import java.util.Map;

/**
 * A data set split by a named protocol into training, validation and test parts.
 *
 * <p>Each part has two views:
 * <ul>
 *   <li>the <b>positive rows</b> ({@link #train()}, {@link #valid()}, {@link #test()}): the engaged
 *       rows under the protocol's label rule, label {@code positive} = 1 on every row. They are
 *       what a pairwise or softmax loss trains on (every row is a positive, negatives come from a
 *       sampler) and the targets a top-K evaluator ranks for;
 *   <li>the <b>logged rows</b> ({@link #logged()}): every row the log holds for that part, engaged
 *       or not, with {@code positive} = 0 or 1 and the log's other labels, positions, propensities,
 *       request ids and logging stages. Shown-but-not-engaged rows are the real negatives of
 *       pointwise losses, exposure samplers and AUC; unexposed candidates ({@code exposed = false})
 *       are a cascade's logged candidate sets. {@code null} when the source logs interactions
 *       only (MovieLens under a retrieval protocol).
 * </ul>
 * The positive rows of a part are a subset of its logged rows, in the same relative order.
 *
 * <p>Anything derived from labels (item popularity, frequency estimates, sequences, seen-item
 * masks) must be computed from the training part only.
 *
 * @param protocol the protocol's name ({@code per-user-ratio}, {@code leave-last-out}, ...)
 * @param settings the protocol's effective settings, recorded with every run
 * @param dataset the data set that was split
 * @param train training positives
 * @param valid validation positives
 * @param test test positives
 * @param logged every logged row per part, or {@code null}
 * @param positiveLabel name of the label that decides a positive, or {@code null} when every row
 *     is a positive (implicit feedback)
 */
public record Split(
    String protocol,
    Map<String, Object> settings,
    Dataset dataset,
    InteractionLog train,
    InteractionLog valid,
    InteractionLog test,
    Logged logged,
    String positiveLabel) {

  /** The parts' names, in order. */
  public static final java.util.List<String> PARTS = java.util.List.of("train", "valid", "test");

  public Split {
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }

  /** A split without logged rows (interactions only). */
  public Split(String protocol, Map<String, Object> settings, Dataset dataset, InteractionLog train,
      InteractionLog valid, InteractionLog test, String positiveLabel) {
    this(protocol, settings, dataset, train, valid, test, null, positiveLabel);
  }

  /** The positive rows of a part. */
  public InteractionLog part(String name) {
    return switch (name) {
      case "train" -> train;
      case "valid" -> valid;
      case "test" -> test;
      default -> throw new IllegalArgumentException("unknown split part '" + name + "' (train, valid, test)");
    };
  }

  /** Whether the split carries logged rows besides the positives. */
  public boolean hasLogged() {
    return logged != null;
  }

  /**
   * The logged rows of a part; throws naming the protocol when the split has none (ask
   * {@link #hasLogged()} first).
   */
  public InteractionLog logged(String part) {
    if (logged == null) {
      throw new IllegalStateException("protocol '" + protocol + "' on data set '" + dataset.name()
          + "' keeps no logged rows besides the positives");
    }
    return logged.part(part);
  }

  /** Whether the logged rows of the training part hold both positives and shown negatives. */
  public boolean hasLoggedNegatives() {
    if (logged == null || !logged.train().hasLabel("positive")) {
      return false;
    }
    float[] p = logged.train().label("positive");
    boolean[] shown = logged.train().exposed();
    for (int r = 0; r < p.length; r++) {
      if (p[r] <= 0 && (shown == null || shown[r])) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every logged row of each part (engaged, shown-not-engaged, unexposed candidates), with the
   * {@code positive} label.
   */
  public record Logged(InteractionLog train, InteractionLog valid, InteractionLog test) {
    public InteractionLog part(String name) {
      return switch (name) {
        case "train" -> train;
        case "valid" -> valid;
        case "test" -> test;
        default -> throw new IllegalArgumentException("unknown split part '" + name + "' (train, valid, test)");
      };
    }
  }
}

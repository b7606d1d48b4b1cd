package org.towerlab.api.data;

import java.util.Map;

/**
 * A data set split by a named protocol into training, validation and test interactions.
 *
 * <p>Anything derived from labels (item popularity, frequency estimates, sequences, seen-item
 * masks) must be computed from {@link #train()} only.
 *
 * @param protocol the protocol's name ({@code per-user-ratio}, {@code leave-last-out}, ...)
 * @param settings the protocol's effective settings, recorded with every run
 * @param dataset the data set that was split
 * @param train training interactions (after filtering and binarization)
 * @param valid validation interactions
 * @param test test interactions
 * @param positiveLabel name of the label that decides a positive, or {@code null} when every row
 *     is a positive (implicit feedback)
 * @param pointwise true for the {@code ctr} protocol: rows carry binary labels (0 and 1) and are
 *     evaluated pairwise (AUC, LogLoss) instead of by full-corpus ranking
 */
public record Split(
    String protocol,
    Map<String, Object> settings,
    Dataset dataset,
    InteractionLog train,
    InteractionLog valid,
    InteractionLog test,
    String positiveLabel,
    boolean pointwise) {

  public Split {
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }

  public InteractionLog part(String name) {
    return switch (name) {
      case "train" -> train;
      case "valid" -> valid;
      case "test" -> test;
      default -> throw new IllegalArgumentException("unknown split part '" + name + "' (train, valid, test)");
    };
  }
}

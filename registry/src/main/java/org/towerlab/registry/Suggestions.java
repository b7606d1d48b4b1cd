package org.towerlab.registry;

import java.util.Collection;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean" support: the closest known name by Levenshtein distance (Commons Text), if reasonably close. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to {@code given}, if its edit distance is at most a third of the longer
   * name (and at least 2 edits are always tolerated). Ties go to the alphabetically first name.
   */
  public static Optional<String> closest(String given, Collection<String> candidates) {
    if (given == null) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates.stream().sorted().toList()) {
      int d = distance(given.toLowerCase(), c.toLowerCase());
      int tolerated = Math.max(2, Math.max(given.length(), c.length()) / 3);
      if (d <= tolerated && d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code " Did you mean 'x'?"}, or the empty string when nothing is close. */
  public static String didYouMean(String given, Collection<String> candidates) {
    return closest(given, candidates).map(s -> " Did you mean '" + s + "'?").orElse("");
  }

  /** Levenshtein distance (insertions, deletions, substitutions each cost 1), by Commons Text. */
  static int distance(String a, String b) {
    return LevenshteinDistance.getDefaultInstance().apply(a, b);
  }
}

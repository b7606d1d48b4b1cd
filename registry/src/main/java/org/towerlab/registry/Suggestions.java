package org.towerlab.registry;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" support: the closest known name by Levenshtein distance, if reasonably close. */
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

  /** Levenshtein distance (insertions, deletions, substitutions each cost 1). */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

package org.towerlab.evaluators;

/**
 * Counts how a stage orders the pairs that a reference orders, in O(n log n) (Knight's algorithm
 * for Kendall's tau: W. R. Knight, "A Computer Method for Calculating Kendall's Tau with Ungrouped
 * Data", JASA 61(314), 1966). NaN values count as below every number, in the reference and in the
 * stage.
 *
 * <p>Of the {@code n (n - 1) / 2} unordered pairs of candidates, {@link Counts#ordered()} are the
 * pairs with different reference values; each of them is concordant (the stage orders it the same
 * way), discordant (the opposite way) or tied by the stage (equal stage values).
 */
final class OrderedPairs {
  private OrderedPairs() {}

  /** Pair counts; {@code ordered = concordant + discordant + stageTied}. */
  record Counts(long ordered, long concordant, long discordant, long stageTied) {

    /**
     * Ordered pair accuracy with a stage tie counting one half:
     * {@code (concordant + stageTied / 2) / ordered}; NaN when no pair is ordered.
     */
    double accuracy() {
      return ordered == 0 ? Double.NaN : (concordant + 0.5 * stageTied) / ordered;
    }
  }

  /**
   * @param reference the reference's value per candidate
   * @param stage the stage's value per candidate, aligned with {@code reference}
   * @param n the number of candidates (the first {@code n} entries are read)
   */
  static Counts count(double[] reference, double[] stage, int n) {
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Double.isNaN(reference[i]) ? Double.NEGATIVE_INFINITY : reference[i];
      y[i] = Double.isNaN(stage[i]) ? Double.NEGATIVE_INFINITY : stage[i];
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // sort by (x asc, y asc)
    mergeSort(order, new int[n], 0, n, x, y);
    long all = (long) n * (n - 1) / 2;
    long tiedX = 0;
    long tiedXY = 0;
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && x[order[j]] == x[order[i]]) {
        j++;
      }
      tiedX += (long) (j - i) * (j - i - 1) / 2;
      for (int a = i; a < j; ) {
        int b = a + 1;
        while (b < j && y[order[b]] == y[order[a]]) {
          b++;
        }
        tiedXY += (long) (b - a) * (b - a - 1) / 2;
        a = b;
      }
      i = j;
    }
    // inversions of y in this order are the discordant pairs: x strictly lower, y strictly higher
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      ys[i] = y[order[i]];
    }
    long discordant = inversions(ys, new double[n], 0, n);
    long tiedY = 0;
    for (int i = 0; i < n; ) { // ys is sorted now
      int j = i + 1;
      while (j < n && ys[j] == ys[i]) {
        j++;
      }
      tiedY += (long) (j - i) * (j - i - 1) / 2;
      i = j;
    }
    long ordered = all - tiedX;
    long stageTied = tiedY - tiedXY;
    return new Counts(ordered, ordered - discordant - stageTied, discordant, stageTied);
  }

  private static void mergeSort(int[] a, int[] tmp, int from, int to, double[] x, double[] y) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, tmp, from, mid, x, y);
    mergeSort(a, tmp, mid, to, x, y);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      int p = a[i];
      int q = a[j];
      boolean takeRight = x[q] < x[p] || (x[q] == x[p] && y[q] < y[p]);
      tmp[k++] = takeRight ? a[j++] : a[i++];
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    while (j < to) {
      tmp[k++] = a[j++];
    }
    System.arraycopy(tmp, from, a, from, to - from);
  }

  /** Sorts {@code v[from, to)} ascending and returns the number of pairs i < j with v[i] > v[j]. */
  private static long inversions(double[] v, double[] tmp, int from, int to) {
    if (to - from < 2) {
      return 0;
    }
    int mid = (from + to) >>> 1;
    long count = inversions(v, tmp, from, mid) + inversions(v, tmp, mid, to);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      if (v[j] < v[i]) {
        count += mid - i; // v[j] is below every remaining left value
        tmp[k++] = v[j++];
      } else {
        tmp[k++] = v[i++];
      }
    }
    while (i < mid) {
      tmp[k++] = v[i++];
    }
    while (j < to) {
      tmp[k++] = v[j++];
    }
    System.arraycopy(tmp, from, v, from, to - from);
    return count;
  }
}

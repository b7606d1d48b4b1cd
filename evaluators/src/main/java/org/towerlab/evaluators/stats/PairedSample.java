package org.towerlab.evaluators.stats;

/**
 * Two per-query metric arrays paired on the queries both runs evaluated.
 *
 * @param queries common query ids, ascending
 * @param a run A's value per common query
 * @param b run B's value per common query
 * @param dropped queries of either input left out (not in both, or NaN in either)
 */
public record PairedSample(long[] queries, double[] a, double[] b, int dropped) {

  public PairedSample {
    if (queries.length != a.length || a.length != b.length) {
      throw new IllegalArgumentException("paired arrays differ in length: queries " + queries.length
          + ", a " + a.length + ", b " + b.length);
    }
  }

  public int size() {
    return queries.length;
  }
}

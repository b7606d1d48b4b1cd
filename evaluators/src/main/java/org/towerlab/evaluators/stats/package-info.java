/**
 * Statistics for comparing runs on aligned per-query metrics: confidence intervals, paired t and
 * Wilcoxon signed-rank tests, Holm-Bonferroni correction (see {@code docs/metrics.md}).
 */
package org.towerlab.evaluators.stats;

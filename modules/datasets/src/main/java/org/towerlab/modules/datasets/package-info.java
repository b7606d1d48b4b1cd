/**
 * Data sources (MovieLens 100K/1M/10M/20M/25M, Coat, generic CSV with optional impression-log
 * columns, the Open Bandit Dataset, a seeded simulator with an optional three-stage logging
 * cascade that knows the truth) and split protocols (per-user-ratio, leave-last-out,
 * global-temporal, ctr, coat-random-test), each of which keeps the positive rows and, where the
 * log has exposures, every logged row per part. See docs/data.md for the formats, fields and
 * options.
 */
package org.towerlab.modules.datasets;

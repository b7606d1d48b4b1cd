/**
 * Data sources (MovieLens 100K/1M/10M/20M/25M, Coat, generic CSV, a seeded simulator) and split
 * protocols (per-user-ratio, leave-last-out, global-temporal, ctr, coat-random-test). See
 * docs/data.md for the formats, fields and options.
 */
package org.towerlab.modules.datasets;

/** Benchmarks with a {@code main}, run by hand; not tests. */
package org.towerlab.evaluators.bench;

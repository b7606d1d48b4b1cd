/**
 * The {@code towerlab} command line ({@link org.towerlab.examples.Towerlab}): run, validate and
 * inspect experiment configs, and list the registered components.
 */
package org.towerlab.examples;

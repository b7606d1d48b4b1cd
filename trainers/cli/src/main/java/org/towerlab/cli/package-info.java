/**
 * The {@code towerlab} command line ({@link org.towerlab.cli.Towerlab}): run, validate and
 * inspect experiment configs, and list the registered components.
 */
package org.towerlab.cli;

/**
 * TowerLab's extension points and data model.
 *
 * <p>Everything a module author implements lives here: {@link org.towerlab.api.model.Tower},
 * {@link org.towerlab.api.model.Interaction}, {@link org.towerlab.api.sampling.Sampler},
 * {@link org.towerlab.api.loss.Loss}, {@link org.towerlab.api.eval.Evaluator}, plus the data model
 * ({@link org.towerlab.api.data.Dataset}, {@link org.towerlab.api.data.Split}) and the services they
 * receive. This module depends on DJL's API and Jackson's annotations only: no Guice, no MLflow
 * (an ArchUnit test keeps it so).
 */
package org.towerlab.api;

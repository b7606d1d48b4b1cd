package org.towerlab.api.model;

/**
 * A component with trainable weights (towers, parametric interactions, learned loss weights).
 * The trainer calls {@link #initialize} once, before training, with a parameter scope named after
 * the component's config path; the component creates every weight there and keeps the arrays.
 */
public interface Parameterized {
  void initialize(InitContext ctx);
}

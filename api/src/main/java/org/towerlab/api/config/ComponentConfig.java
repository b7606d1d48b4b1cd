package org.towerlab.api.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Base of every component's immutable config record.
 *
 * <p>A config record is named {@code <Impl>Config}; its compact constructor fills defaults for
 * {@code null} fields and validates, throwing {@link IllegalArgumentException} with the received
 * value in the message. The registry binds a section {@code {type: NAME, ...}} to the record
 * registered under {@code NAME} for the section's kind, and serializes it back (type included) as
 * the effective config. Use boxed types ({@code Integer}, {@code Double}) so that a missing key is
 * {@code null} and gets its default.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface ComponentConfig {

  /** {@code data:} sections: a data source plus its evaluation protocol. */
  interface Data extends ComponentConfig {
    /** The split protocol applied to this source. */
    Protocol protocol();
  }

  /** {@code data.protocol:} sections: how interactions are split into train, valid and test. */
  interface Protocol extends ComponentConfig {}

  /** {@code model:} sections: what is trained and scored (two-tower, most-popular, ...). */
  interface Model extends ComponentConfig {}

  /** {@code model.query-tower:} and {@code model.item-tower:} sections. */
  interface Tower extends ComponentConfig {}

  /** {@code model.interaction:} sections. */
  interface Interaction extends ComponentConfig {}

  /** {@code sampler:} sections. */
  interface Sampler extends ComponentConfig {}

  /** {@code loss:} sections (and loss terms nested in combined losses). */
  interface Loss extends ComponentConfig {}

  /** Entries of the {@code evaluators:} list. */
  interface Evaluator extends ComponentConfig {}

  /** {@code trainer:} sections: the training strategy and its optimizer settings. */
  interface Trainer extends ComponentConfig {}

  /** {@code tracking:} sections. The local run store is always written besides. */
  interface Tracker extends ComponentConfig {}
}

package org.towerlab.api;

import org.towerlab.api.config.ComponentConfig;

/**
 * The kinds of registered component. Names are unique within a kind, not across kinds.
 *
 * <p>Each kind has a config marker interface that its config records implement; the registry
 * binds a config section with {@code type: NAME} into the record registered under that name.
 */
public enum Kind {
  DATA("data", ComponentConfig.Data.class),
  PROTOCOL("protocol", ComponentConfig.Protocol.class),
  MODEL("model", ComponentConfig.Model.class),
  TOWER("tower", ComponentConfig.Tower.class),
  INTERACTION("interaction", ComponentConfig.Interaction.class),
  SAMPLER("sampler", ComponentConfig.Sampler.class),
  LOSS("loss", ComponentConfig.Loss.class),
  EVALUATOR("evaluator", ComponentConfig.Evaluator.class),
  TRAINER("trainer", ComponentConfig.Trainer.class),
  TRACKER("tracker", ComponentConfig.Tracker.class);

  private final String label;
  private final Class<? extends ComponentConfig> configType;

  Kind(String label, Class<? extends ComponentConfig> configType) {
    this.label = label;
    this.configType = configType;
  }

  /** The lower-case name used on the command line ({@code towerlab components --kind tower}). */
  public String label() {
    return label;
  }

  /** The marker interface every config record of this kind implements. */
  public Class<? extends ComponentConfig> configType() {
    return configType;
  }

  public static Kind fromLabel(String label) {
    for (Kind k : values()) {
      if (k.label.equalsIgnoreCase(label)) {
        return k;
      }
    }
    return null;
  }
}

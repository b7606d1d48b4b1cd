package org.towerlab.registry;

import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;

/**
 * One registered component: its kind and short kebab-case name, its config record, its factory,
 * a one-line description, and the Guice module that registered it (named in duplicate errors and
 * in {@code towerlab components}).
 */
public record Registration(
    Kind kind,
    String name,
    Class<? extends ComponentConfig> configClass,
    ComponentFactory<?, ?> factory,
    String description,
    String module) {

  public Registration {
    if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("component name '" + name + "' is not short kebab-case");
    }
    if (!kind.configType().isAssignableFrom(configClass)) {
      throw new IllegalArgumentException(configClass.getName() + " registered as " + kind.label()
          + " '" + name + "' does not implement " + kind.configType().getName());
    }
  }

  @SuppressWarnings("unchecked")
  public <T> T create(ComponentConfig config, BuildContext ctx) {
    return ((ComponentFactory<ComponentConfig, T>) factory).create(config, ctx);
  }
}

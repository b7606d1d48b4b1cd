package org.towerlab.registry;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;

/**
 * Base of each Maven module's Guice module. Subclasses register their components in
 * {@link #configureComponents()}, one line each, and nothing else: no IO, no branching. Modules are
 * found through {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.towerlab.registry.TowerlabModule}, and a jar on the classpath adds its
 * components with no other change.
 *
 * <pre>{@code
 * public final class BaselineModule extends TowerlabModule {
 *   protected void configureComponents() {
 *     register(Kind.TOWER, "mlp", MlpTowerConfig.class, MlpTower::new, "Embedding + MLP tower over the side's fields");
 *   }
 * }
 * }</pre>
 */
public abstract class TowerlabModule extends AbstractModule {
  private Multibinder<Registration> registrations;

  @Override
  protected final void configure() {
    registrations = Multibinder.newSetBinder(binder(), Registration.class);
    configureComponents();
  }

  /** Registers this module's components with {@link #register}. */
  protected abstract void configureComponents();

  /** Registers one component under {@code name} within {@code kind}. */
  protected final <C extends ComponentConfig> void register(
      Kind kind, String name, Class<C> configClass, ComponentFactory<C, ?> factory, String description) {
    registrations.addBinding().toInstance(
        new Registration(kind, name, configClass, factory, description, getClass().getName()));
  }
}

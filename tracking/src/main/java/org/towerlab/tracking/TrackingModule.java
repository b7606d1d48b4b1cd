package org.towerlab.tracking;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;
import org.towerlab.tracking.local.LocalRunStore;
import org.towerlab.tracking.local.LocalTrackerConfig;
import org.towerlab.tracking.mlflow.MlflowTracker;
import org.towerlab.tracking.mlflow.MlflowTrackerConfig;

/** Registers the trackers: the local run store and MLflow (which also writes the local store). */
public final class TrackingModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TRACKER, "local", LocalTrackerConfig.class, (c, ctx) -> new LocalRunStore(c),
        "Local run store under runs/<experiment>/<run-id>/ (always written)");
    register(Kind.TRACKER, "mlflow", MlflowTrackerConfig.class, (c, ctx) -> new MlflowTracker(c),
        "MLflow server (Java client + artifact REST) on top of the local run store");
  }
}

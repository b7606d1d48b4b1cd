package org.towerlab.api.train;

import java.util.Map;
import org.towerlab.api.Kind;
import org.towerlab.api.tracking.Tracker;

/**
 * What the runner offers a training strategy besides its components: building further components
 * from config sections (a distillation teacher read from an earlier run's effective config) and a
 * tracker per stage, started as a child of the run (a cascade logs each stage as its own run).
 */
public interface RunServices {

  /**
   * Builds a component from a config section given as a tree of maps, lists and scalars (what a
   * YAML mapping parses to), exactly as the registry builds the sections of a config file.
   *
   * @param path the section's config path, for error messages
   */
  <T> T build(Kind kind, Map<String, Object> section, String path, Class<T> type);

  /**
   * A tracker for the named stage, started as a child of this run; its local files go to
   * {@code <run dir>/stages/<stage>/}. The caller finishes and closes it.
   */
  Tracker stageTracker(String stage);

  /** Services that build nothing and track stages into nothing (tests of a lone strategy). */
  static RunServices none() {
    return new RunServices() {
      @Override
      public <T> T build(Kind kind, Map<String, Object> section, String path, Class<T> type) {
        throw new UnsupportedOperationException("this context cannot build components (" + path + ")");
      }

      @Override
      public Tracker stageTracker(String stage) {
        return new Tracker() {
          @Override
          public void start(org.towerlab.api.tracking.RunSpec spec) {}

          @Override
          public String runId() {
            return stage;
          }

          @Override
          public void logParams(Map<String, String> params) {}

          @Override
          public void logMetrics(Map<String, Double> metrics, long step) {}

          @Override
          public void setTags(Map<String, String> tags) {}

          @Override
          public void logArtifact(java.nio.file.Path file, String artifactDir) {}

          @Override
          public void finish(String status) {}
        };
      }
    };
  }
}

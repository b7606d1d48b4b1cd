package org.towerlab.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.SplitFile;

/**
 * {@code towerlab validate --split-from RUN_DIR}: loads each distinct data section of the runs and
 * reads the recorded split over it ({@link SplitFile#read}), which refuses changed data files, a
 * changed split file or another interaction log.
 */
final class SplitCheck {
  private SplitCheck() {}

  /** Checks every distinct data section; returns a one-line description of the split. */
  static String check(Registry registry, List<LoadedRun> runs, Path runDir) {
    Map<String, Split> checked = new LinkedHashMap<>();
    for (LoadedRun run : runs) {
      ExperimentConfig cfg = run.config();
      String key = ((com.fasterxml.jackson.databind.node.ObjectNode) run.effective().get("data").deepCopy())
          .without("protocol") + "#" + cfg.seed();
      if (!checked.containsKey(key)) {
        DataSource source = registry.build(Kind.DATA, cfg.data(), "$.data", new Seeds(cfg.seed()), DataSource.class);
        checked.put(key, SplitFile.read(runDir, source.load()));
      }
    }
    Split s = checked.values().iterator().next();
    return String.format(Locale.ROOT, "split from %s (protocol %s: train %,d, valid %,d, test %,d) matches the data",
        runDir, s.protocol(), s.train().size(), s.valid().size(), s.test().size());
  }
}

package org.towerlab.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * The {@code given} protocol: each row's part comes from a label column (0 train, 1 valid, 2
 * test), as written by {@link SparkSplit}; the positives of each part are its rows (or those whose
 * {@code label} passes). Nothing is drawn: the split is the data's.
 */
final class GivenSplit implements Protocol {
  private final GivenSplitConfig config;

  GivenSplit(GivenSplitConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "given";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    if (!log.hasLabel(config.column())) {
      throw new UserException("Protocol 'given' reads each row's part from label '" + config.column() + "', but data"
          + " set '" + data.name() + "' has " + log.labelNames() + ". Write the split with towerlab's Spark split job,"
          + " or set data.protocol.column.");
    }
    if (config.label() != null && !log.hasLabel(config.label())) {
      throw new UserException("Protocol 'given' asks for label '" + config.label() + "', but data set '" + data.name()
          + "' has " + log.labelNames() + ". Fix data.protocol.label.");
    }
    float[] part = log.label(config.column());
    float[] value = config.label() == null ? null : log.label(config.label());
    List<List<Integer>> rows = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int r = 0; r < log.size(); r++) {
      float p = part[r];
      if (p != 0f && p != 1f && p != 2f) {
        throw new UserException("Row " + r + " of data set '" + data.name() + "' has part " + p + " in column '"
            + config.column() + "'; expected 0 (train), 1 (valid) or 2 (test).");
      }
      boolean positive = value == null || (config.minLabel() == null ? value[r] > 0 : value[r] >= config.minLabel());
      if (positive) {
        rows.get((int) p).add(r);
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("column", config.column());
    s.put("label", config.label() == null ? "every row" : config.label());
    if (config.minLabel() != null) {
      s.put("min-label", config.minLabel());
    }
    s.put("exclude-seen", config.excludeSeen());
    s.put("rows.input", log.size());
    InteractionLog[] parts = new InteractionLog[3];
    String[] names = {"train", "valid", "test"};
    for (int p = 0; p < 3; p++) {
      int[] sel = rows.get(p).stream().mapToInt(Integer::intValue).toArray();
      InteractionLog l = log.select(sel);
      Map<String, float[]> labels = new LinkedHashMap<>(l.labels());
      float[] ones = new float[sel.length];
      java.util.Arrays.fill(ones, 1f);
      labels.put("positive", ones);
      parts[p] = l.withLabels(labels);
      s.put("rows." + names[p], sel.length);
    }
    return new Split(name(), s, data, parts[0], parts[1], parts[2], "positive");
  }
}

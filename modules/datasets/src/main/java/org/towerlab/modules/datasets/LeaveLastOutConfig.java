package org.towerlab.modules.datasets;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link LeaveLastOut}. Options as in {@link PerUserRatioConfig}.
 *
 * @param minRating positives are rows with {@code label >= min-rating}; default none ({@code label > 0})
 * @param label the label that decides positives; default rating, else click, else none
 * @param kCore k-core filter on positives; default 0
 * @param excludeSeen recorded for evaluators; default true
 * @param ties how positives of one user with the same timestamp are ordered when that decides the
 *     held-out rows: {@code file-order} (default: log order, the earlier row counts as earlier),
 *     {@code random} (a seeded random order from the {@code data.split.ties} stream) or {@code drop}
 *     (a user whose valid or test row would be decided by a tie is not held out: all its positives
 *     stay in train)
 */
public record LeaveLastOutConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen, String ties)
    implements ComponentConfig.Protocol {
  /** The tie rules. */
  public static final List<String> TIES = List.of("file-order", "random", "drop");

  public LeaveLastOutConfig {
    ProtocolSupport.checkCommon(minRating, kCore);
    kCore = kCore == null ? 0 : kCore;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
    ties = ties == null ? "file-order" : ties;
    if (!TIES.contains(ties)) {
      throw new IllegalArgumentException("ties must be one of " + TIES + ", got '" + ties + "'");
    }
  }
}

package org.towerlab.trainers;

import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;

/**
 * Decides which rows a loss trains on. A configured mode ({@code trainer.rows}) must be one the
 * loss accepts; without one, the first mode of {@link Loss#rows()} that the split can feed wins
 * ({@code logged} needs logged rows with shown negatives). A combination that would train on the
 * wrong rows (a softmax over logged rows would take every 0-labelled row as a positive) is refused
 * with the reason, never run.
 */
public final class RowModes {
  private RowModes() {}

  /**
   * @param configured {@code trainer.rows}, or {@code null}/"auto" for the loss's choice
   * @param path the config path of the setting, for messages ({@code trainer.rows})
   */
  public static TrainingRows resolve(Loss loss, Split split, String configured, String path) {
    List<TrainingRows> accepted = loss.rows();
    String lossName = loss.getClass().getSimpleName();
    if (configured != null && !configured.equals("auto")) {
      TrainingRows mode = parse(configured, path);
      if (!accepted.contains(mode)) {
        throw new UserException("The loss (" + lossName + ") cannot train on " + path + ": " + configured + "; it accepts "
            + labels(accepted) + ". " + why(mode) + " Set " + path + " to " + accepted.get(0).label()
            + " or choose another loss.");
      }
      if (!feedable(mode, split)) {
        throw new UserException(path + ": " + configured + " needs " + need(mode) + ", but protocol '"
            + split.protocol() + "' on data set '" + split.dataset().name() + "' has none. Set " + path
            + " to positives, or use a protocol that keeps logged rows (ctr, or a data set with an exposure column).");
      }
      return mode;
    }
    for (TrainingRows mode : accepted) {
      if (feedable(mode, split)) {
        return mode;
      }
    }
    throw new UserException("The loss (" + lossName + ") trains on " + labels(accepted) + " rows, but protocol '"
        + split.protocol() + "' on data set '" + split.dataset().name() + "' has " + need(accepted.get(0))
        + " for none of them. Use a protocol that keeps logged rows (ctr) or a loss that trains on positives.");
  }

  /** The data-free part of {@link #resolve}: a configured mode the loss does not accept is refused. */
  public static void check(Loss loss, String configured, String path) {
    if (configured == null || configured.equals("auto")) {
      return;
    }
    TrainingRows mode = parse(configured, path);
    if (!loss.rows().contains(mode)) {
      throw new UserException("The loss (" + loss.getClass().getSimpleName() + ") cannot train on " + path + ": "
          + configured + "; it accepts " + labels(loss.rows()) + ". " + why(mode) + " Set " + path + " to "
          + loss.rows().get(0).label() + " or choose another loss.");
    }
  }

  static TrainingRows parse(String value, String path) {
    for (TrainingRows m : TrainingRows.values()) {
      if (m.label().equals(value)) {
        return m;
      }
    }
    throw new UserException(path + ": '" + value + "' is not a row mode; use auto, positives, logged or lists.");
  }

  /** Whether the split can feed a mode (lists are fed by a list source the trainer builds). */
  static boolean feedable(TrainingRows mode, Split split) {
    return switch (mode) {
      case POSITIVES, LISTS -> true;
      case LOGGED -> split.hasLoggedNegatives();
    };
  }

  private static String need(TrainingRows mode) {
    return switch (mode) {
      case LOGGED -> "logged rows with shown negatives";
      case LISTS -> "candidate lists";
      case POSITIVES -> "positive rows";
    };
  }

  private static String why(TrainingRows mode) {
    return switch (mode) {
      case LOGGED -> "On logged rows it would take every row, the 0-labelled ones too, as a positive.";
      case POSITIVES -> "It needs logged labels of both classes, which positive rows do not have.";
      case LISTS -> "It scores one pair per row, not a list.";
    };
  }

  private static String labels(List<TrainingRows> modes) {
    return modes.stream().map(TrainingRows::label).toList().toString();
  }
}

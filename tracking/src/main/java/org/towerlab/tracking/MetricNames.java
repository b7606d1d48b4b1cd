package org.towerlab.tracking;

import java.util.regex.Pattern;

/**
 * Maps TowerLab metric and param names to names MLflow accepts ({@code ^[/\w.\- ]*$}, at most 250
 * characters).
 *
 * <ol>
 *   <li>{@code @} becomes {@code _at_}: {@code test/recall@20} is logged as {@code test/recall_at_20};
 *   <li>any other character outside letters, digits, {@code _ - . / space} becomes {@code _};
 *   <li>names longer than 250 characters are cut to 250.
 * </ol>
 *
 * The mapping is not injective in theory ({@code a@b} and {@code a_at_b} collide); TowerLab's own
 * names never collide. The local run store keeps the original names.
 */
public final class MetricNames {
  /** MLflow's key length limit (mlflow/utils/validation.py, MAX_ENTITY_KEY_LENGTH). */
  public static final int MAX_KEY_LENGTH = 250;

  private static final Pattern INVALID = Pattern.compile("[^/\\w.\\- ]", Pattern.UNICODE_CHARACTER_CLASS);

  private MetricNames() {}

  /** The MLflow name of a TowerLab metric or param name. */
  public static String toMlflow(String name) {
    String s = INVALID.matcher(name.replace("@", "_at_")).replaceAll("_");
    // MLflow's \w is Python's Unicode \w; keep the output ASCII to be safe with every backend.
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c < 128 ? c : '_');
    }
    String out = b.toString();
    return out.length() > MAX_KEY_LENGTH ? out.substring(0, MAX_KEY_LENGTH) : out;
  }
}

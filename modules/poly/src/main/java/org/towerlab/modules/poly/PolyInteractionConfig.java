package org.towerlab.modules.poly;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param attention the candidate attention over the context vectors: {@code basic} (ParlAI's
 *     default {@code poly-attention-type}: {@code softmax(Y y_c)}) or {@code sqrt}
 *     ({@code softmax(Y y_c / sqrt(D))}); the score is {@code <w Y, y_c>} either way
 */
public record PolyInteractionConfig(String attention) implements ComponentConfig.Interaction {

  public PolyInteractionConfig {
    attention = attention == null ? "basic" : attention;
    if (!List.of("basic", "sqrt").contains(attention)) {
      throw new IllegalArgumentException("attention must be one of [basic, sqrt], got '" + attention + "'");
    }
  }
}

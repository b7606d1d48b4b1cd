package org.towerlab.modules.inttower;

import java.util.List;

/** Validation shared by the two tower configs (messages carry the received value). */
final class Checks {
  private Checks() {}

  static void common(List<String> fields, int embeddingDim, List<Integer> hidden, int heads, int headDim,
      double dropout, double initStd) {
    if (fields != null && fields.isEmpty()) {
      throw new IllegalArgumentException("fields is empty; leave it out to use every field of the side");
    }
    positive("embedding-dim", embeddingDim);
    positive("heads", heads);
    positive("head-dim", headDim);
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("init-std must be finite and positive, got " + initStd);
    }
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}

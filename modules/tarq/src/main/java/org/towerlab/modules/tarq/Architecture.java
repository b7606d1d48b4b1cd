package org.towerlab.modules.tarq;

import java.util.List;

/**
 * The network settings that {@link TargetAttentionModelConfig} and {@link TarqModelConfig} share
 * (see their javadoc for each key). TARQ's student, its teacher and the standalone target-attention
 * model are built from the same settings, so that the teacher and the student have the same shape.
 */
record Architecture(String sequenceField, List<String> userFields, List<String> itemFields, int dim, int embeddingDim,
    List<Integer> hidden, int heads, boolean selfAttention, boolean backbone, double initStd, int chunk) {

  /** Validates the shared keys (messages name the key and the received value). */
  static void check(String sequenceField, List<String> userFields, List<String> itemFields, int dim,
      int embeddingDim, List<Integer> hidden, int heads, double initStd, int chunk) {
    if (sequenceField.isBlank()) {
      throw new IllegalArgumentException("sequence-field must name a SEQUENCE field of the query side, got '"
          + sequenceField + "'");
    }
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive, got " + dim);
    }
    if (heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException("heads must be positive and divide dim " + dim + ", got " + heads);
    }
    if (embeddingDim <= 0) {
      throw new IllegalArgumentException("embedding-dim must be positive, got " + embeddingDim);
    }
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("init-std must be a positive number, got " + initStd);
    }
    if (chunk <= 0) {
      throw new IllegalArgumentException("chunk must be positive, got " + chunk);
    }
    if (userFields != null && userFields.isEmpty()) {
      throw new IllegalArgumentException("user-fields is empty; leave it out to use every non-sequence query field");
    }
    if (userFields != null && userFields.contains(sequenceField)) {
      throw new IllegalArgumentException("user-fields " + userFields + " contains the sequence field '" + sequenceField
          + "'; the sequence is read by the attention, leave it out of user-fields");
    }
    if (itemFields != null && itemFields.isEmpty()) {
      throw new IllegalArgumentException("item-fields is empty; leave it out to use every item field");
    }
  }
}

package org.towerlab.trainers;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param epochs maximum number of epochs
 * @param batchSize training examples per step
 * @param learningRate Adam's step size
 * @param weightDecay decoupled weight decay (AdamW); 0 = none
 * @param clipNorm global gradient-norm clipping threshold; 0 = none
 * @param patience epochs without improvement of the monitored metric before stopping; 0 = never stop early
 * @param monitor validation metric for early stopping and best-epoch restore ({@code recall@20},
 *     {@code auc}, ...); null = {@code recall@20} for ranking protocols, {@code auc} for {@code ctr}
 * @param ipw weight each example by the inverse of its logging propensity (needs the propensity column)
 * @param ipwClip propensities are floored at this value before inverting
 * @param rows which rows train the loss: {@code auto} (the loss's choice: logged rows for a
 *     pointwise loss when the split has them, else positives), {@code positives}, {@code logged} or
 *     {@code lists}; a mode the loss does not accept is refused
 * @param lists where candidate lists come from when {@code rows} is {@code lists}
 * @param embeddingUpdates how embedding tables are updated: {@code auto} (default: {@code lazy-adam}
 *     for tables of at least {@link EmbeddingUpdates#AUTO_ROWS} rows, {@code dense} below),
 *     {@code dense}, {@code lazy-adam} (only the rows a step read) or {@code rowwise-adagrad}
 *     ({@link AdamW}, {@link EmbeddingUpdates})
 */
public record PlainTrainerConfig(Integer epochs, Integer batchSize, Double learningRate, Double weightDecay,
    Double clipNorm, Integer patience, String monitor, Boolean ipw, Double ipwClip, String rows, ListsConfig lists,
    String embeddingUpdates)
    implements ComponentConfig.Trainer {

  public PlainTrainerConfig {
    epochs = epochs == null ? 20 : epochs;
    batchSize = batchSize == null ? 1024 : batchSize;
    learningRate = learningRate == null ? 1e-3 : learningRate;
    weightDecay = weightDecay == null ? 0.0 : weightDecay;
    clipNorm = clipNorm == null ? 0.0 : clipNorm;
    patience = patience == null ? 5 : patience;
    ipw = ipw == null ? false : ipw;
    ipwClip = ipwClip == null ? 0.05 : ipwClip;
    rows = rows == null ? "auto" : rows;
    if (!java.util.List.of("auto", "positives", "logged", "lists").contains(rows)) {
      throw new IllegalArgumentException("rows must be auto, positives, logged or lists, got '" + rows + "'");
    }
    lists = lists == null ? ListsConfig.defaults() : lists;
    embeddingUpdates = embeddingUpdates == null ? "auto" : embeddingUpdates;
    EmbeddingUpdates.parse(embeddingUpdates);
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
    }
    if (batchSize < 2) {
      throw new IllegalArgumentException("batch-size must be >= 2, got " + batchSize);
    }
    if (learningRate <= 0) {
      throw new IllegalArgumentException("learning-rate must be positive, got " + learningRate);
    }
    if (weightDecay < 0 || clipNorm < 0 || patience < 0) {
      throw new IllegalArgumentException("weight-decay, clip-norm and patience must be >= 0, got "
          + weightDecay + ", " + clipNorm + ", " + patience);
    }
    if (ipwClip <= 0 || ipwClip > 1) {
      throw new IllegalArgumentException("ipw-clip must be in (0, 1], got " + ipwClip);
    }
  }

  /** The defaults of every setting. */
  public static PlainTrainerConfig defaults() {
    return new PlainTrainerConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }
}

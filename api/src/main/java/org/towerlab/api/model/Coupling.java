package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.towerlab.api.data.Side;

/**
 * Training-time coupling between the towers, implemented by a tower that needs the other side's
 * output: DAT's augmented vectors learn to mimic the other tower's output, HIT's generators mimic
 * the other side's representation, IntTower's CIR contrasts the user with the sampled candidates.
 * Called by the training step after both towers encoded the step's pairs; contributes terms
 * through {@link Forward#addAuxLoss}.
 *
 * <p>Stop-gradient placement is the implementation's job and must follow the paper exactly
 * ({@code other.embedding().stopGradient()} where the paper blocks the gradient); tests check it
 * through gradients.
 */
public interface Coupling {

  /** Adds this tower's coupling terms for one step. */
  void couple(Pairs pairs, Forward fwd);

  /**
   * The step's pairs as a coupling sees them.
   *
   * @param side the side of the tower being called ({@code self})
   * @param self this tower's output for the step's B rows
   * @param other the other tower's output for the same rows (row i of both belong to one pair)
   * @param labels the row labels by name, float32 {@code [B]} ({@code positive} = 1 for positive
   *     rows, 0/1 for logged rows)
   * @param queryIds query id of each row {@code [B]}
   * @param itemIds item id of each row {@code [B]}
   * @param sampled the sampled candidates' item outputs, or {@code null} when the step sampled none
   */
  record Pairs(Side side, TowerOutput self, TowerOutput other, Map<String, NDArray> labels, long[] queryIds,
      long[] itemIds, Sampled sampled) {

    public Pairs {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * These pairs with every tower output (both sides and the sampled candidates) passed through
     * {@code f}; a wrapping tower hands its base tower the base outputs this way.
     */
    public Pairs mapOutputs(java.util.function.UnaryOperator<TowerOutput> f) {
      Sampled s = sampled == null ? null
          : new Sampled(sampled.items() == null ? null : f.apply(sampled.items()), sampled.ids(), sampled.inBatch(),
              sampled.shared(), sampled.perQuery());
      return new Pairs(side, f.apply(self), f.apply(other), labels, queryIds, itemIds, s);
    }

    /** The query side's output (self or other). */
    public TowerOutput query() {
      return side == Side.QUERY ? self : other;
    }

    /** The item side's output (self or other). */
    public TowerOutput item() {
      return side == Side.ITEM ? self : other;
    }
  }

  /**
   * The item outputs of the step's sampled candidates besides the in-batch ones (which are the rows'
   * own items, {@link Pairs#item()}).
   *
   * @param items outputs of the shared candidates (rows {@code [0, shared)}) then of the per-query
   *     ones (rows {@code [shared + b*perQuery, shared + (b+1)*perQuery)} belong to row b)
   * @param ids their item ids, in the same order
   * @param inBatch whether the other rows' items are also candidates of each row
   * @param shared number of candidates every row shares
   * @param perQuery number of candidates per row
   */
  record Sampled(TowerOutput items, long[] ids, boolean inBatch, int shared, int perQuery) {}
}

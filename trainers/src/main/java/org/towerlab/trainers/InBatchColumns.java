package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.loss.CandidateIds;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.Negatives;

/**
 * The candidate columns of a step whose only negatives are the other rows' positives (plain
 * in-batch sampling, the quick start): the {@code [B, B]} accidental-hit mask and logQ are built on
 * the engine from the {@code [B]} positives and log frequencies instead of being filled element by
 * element in Java and copied in (profiled: those loops, their 4-8 MB arrays and copies were a
 * tenth of a step). The values are the same as the general path's:
 * {@code mask[i][j] = pos[j] != pos[i]}, {@code logQ[i][j] = inBatchLogQ[j]}.
 */
final class InBatchColumns {
  private InBatchColumns() {}

  static TrainStep.Candidates candidates(Interaction inter, TowerOutput qo, TowerOutput po, Negatives negs,
      long[] pos, Forward fwd, NDManager bm) {
    int b = pos.length;
    NDArray all = inter.scoreAll(qo, po, fwd); // [B, B]
    NDArray p = Tensors.create(bm, pos); // [B] int64
    NDArray mask = p.expandDims(0).neq(p.expandDims(1)).toType(DataType.FLOAT32, false); // [B, B]
    NDArray logq = null;
    NDArray scoreLogq = null;
    if (negs.inBatchLogQ() != null) {
      scoreLogq = Tensors.create(bm, negs.inBatchLogQ()); // [B]
      logq = scoreLogq.expandDims(0).broadcast(new Shape(b, b)); // [B, B], column j = logQ of item j
    }
    return new TrainStep.Candidates(all, mask, logq, scoreLogq, CandidateIds.sameForEveryRow(pos, b), b);
  }
}

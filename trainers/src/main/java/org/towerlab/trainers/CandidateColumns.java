package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.towerlab.api.loss.CandidateIds;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;

/**
 * The candidate columns of a {@code POSITIVES} step: the scores of every candidate source side by
 * side ({@code [B, C]}: in-batch columns, then shared negatives, then per-query ones), each
 * column's accidental-hit mask and logQ, and its item id.
 *
 * <p>Where every row has the same columns (in-batch, shared), the mask is one comparison of the
 * {@code [W]} column items with the {@code [B]} positives on the engine
 * ({@code mask[i][j] = item[j] != pos[i]}), the logQ a broadcast row and the ids the {@code [W]}
 * items ({@link CandidateIds#sameForEveryRow}). Mined and per-query columns come from {@code [B, K]}
 * Java arrays. Profiled (docs/performance.md section 1): filling {@code [B, C]} masks, logQ and
 * ids in Java for every source made G1 humongous allocations of about 40 MB per step at
 * B = M = 1024, and a tenth of a quick-start step before that.
 */
final class CandidateColumns {
  private CandidateColumns() {}

  static TrainStep.Candidates build(Interaction inter, TowerOutput qo, TowerOutput io, TowerOutput po, Negatives negs,
      long[] q, long[] pos, InBatchMiner miner, Forward fwd, NDManager bm) {
    int b = q.length;
    int m = negs.shared().length;
    int k = negs.perQueryCount();
    // One block of columns per candidate source, each with its mask and logQ built on the engine
    // where every row has the same columns (in-batch, shared): no [B, C] Java arrays per step
    // (profiled: at B = 1024 they are G1 humongous allocations, section 1 of docs/performance.md).
    NDList negCols = new NDList();
    NDList maskCols = new NDList();
    List<NDArray> logqCols = new ArrayList<>();
    List<CandidateIds> idCols = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    boolean anyLogq = false;
    NDArray posArr = Tensors.create(bm, pos); // [B] int64
    if (negs.inBatch()) {
      NDArray all = inter.scoreAll(qo, po, fwd); // [B, B]
      if (miner != null) {
        float[] flat = all.toFloatArray();
        float[][] s2 = new float[b][];
        for (int i = 0; i < b; i++) {
          s2[i] = Arrays.copyOfRange(flat, i * b, (i + 1) * b);
        }
        int[][] cols = miner.mine(s2, q, pos);
        int w = 0;
        for (int[] c : cols) {
          w = Math.max(w, c.length);
        }
        if (w > 0) {
          long[] idx = new long[b * w];
          float[] mask = new float[b * w];
          float[] lq = new float[b * w];
          long[] ids = new long[b * w];
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < w; j++) {
              int col = j < cols[i].length ? cols[i][j] : i;
              idx[i * w + j] = col;
              mask[i * w + j] = j < cols[i].length && pos[col] != pos[i] ? 1f : 0f;
              lq[i * w + j] = negs.inBatchLogQByRow() != null ? negs.inBatchLogQByRow()[i][col]
                  : negs.inBatchLogQ() == null ? 0f : negs.inBatchLogQ()[col];
              ids[i * w + j] = j < cols[i].length ? pos[col] : -1;
            }
          }
          negCols.add(all.gather(Tensors.create(bm, idx, new Shape(b, w)), 1)); // [B, w]
          maskCols.add(Tensors.create(bm, mask, new Shape(b, w)));
          logqCols.add(Tensors.create(bm, lq, new Shape(b, w)));
          idCols.add(CandidateIds.of(ids, b, w));
          widths.add(w);
        }
      } else {
        negCols.add(all);
        maskCols.add(notSameItem(posArr, posArr)); // [B, B]
        logqCols.add(negs.inBatchLogQByRow() != null ? rowsOf(negs.inBatchLogQByRow(), b, b, bm)
            : negs.inBatchLogQ() == null ? null : sameForEveryRow(negs.inBatchLogQ(), b, bm));
        idCols.add(CandidateIds.sameForEveryRow(pos, b));
        widths.add(b);
      }
      anyLogq |= negs.inBatchLogQ() != null || negs.inBatchLogQByRow() != null;
    }
    if (m > 0) {
      negCols.add(inter.scoreAll(qo, io.rows(b, b + m), fwd)); // [B, M]
      maskCols.add(notSameItem(Tensors.create(bm, negs.shared()), posArr)); // [B, M]
      logqCols.add(negs.sharedLogQByRow() != null ? rowsOf(negs.sharedLogQByRow(), b, m, bm)
          : negs.sharedLogQ() == null ? null : sameForEveryRow(negs.sharedLogQ(), b, bm));
      idCols.add(CandidateIds.sameForEveryRow(negs.shared(), b));
      widths.add(m);
      anyLogq |= negs.sharedLogQ() != null || negs.sharedLogQByRow() != null;
    }
    if (k > 0) {
      negCols.add(inter.scorePaired(qo, io.rows(b + m, b + m + (long) b * k), k, fwd)); // [B, K]
      float[] mask = new float[b * k];
      float[] lq = new float[b * k];
      long[] ids = new long[b * k];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < k; j++) {
          boolean valid = negs.perQueryMask() == null || negs.perQueryMask()[i][j];
          mask[i * k + j] = valid && negs.perQuery()[i][j] != pos[i] ? 1f : 0f;
          lq[i * k + j] = negs.perQueryLogQ() == null ? 0f : negs.perQueryLogQ()[i][j];
          ids[i * k + j] = valid ? negs.perQuery()[i][j] : -1;
        }
      }
      maskCols.add(Tensors.create(bm, mask, new Shape(b, k)));
      logqCols.add(negs.perQueryLogQ() == null ? null : Tensors.create(bm, lq, new Shape(b, k)));
      idCols.add(CandidateIds.of(ids, b, k));
      widths.add(k);
      anyLogq |= negs.perQueryLogQ() != null;
    }
    if (negCols.isEmpty()) {
      return new TrainStep.Candidates(null, null, null, null, null, 0);
    }
    NDArray negatives = negCols.size() == 1 ? negCols.get(0) : NDArrays.concat(negCols, 1); // [B, C]
    NDArray negMask = maskCols.size() == 1 ? maskCols.get(0) : NDArrays.concat(maskCols, 1); // [B, C]
    NDArray negLogq = null;
    NDArray scoreLogq = null;
    if (anyLogq) {
      NDList parts = new NDList();
      for (int c = 0; c < logqCols.size(); c++) {
        parts.add(logqCols.get(c) != null ? logqCols.get(c) : bm.zeros(new Shape(b, widths.get(c))));
      }
      negLogq = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [B, C]
      if (negs.inBatchLogQ() != null) {
        scoreLogq = Tensors.create(bm, negs.inBatchLogQ()); // [B]
      }
    }
    int total = widths.stream().mapToInt(Integer::intValue).sum();
    return new TrainStep.Candidates(negatives, negMask, negLogq, scoreLogq, CandidateIds.sideBySide(idCols), total);
  }

  /** {@code 1} where column {@code j}'s item differs from row {@code i}'s positive: {@code [B, W]} float. */
  private static NDArray notSameItem(NDArray columnItems, NDArray positives) {
    return columnItems.expandDims(0).neq(positives.expandDims(1)).toType(DataType.FLOAT32, false);
  }

  /** {@code [W]} values repeated for every one of {@code b} rows, {@code [B, W]} (a broadcast view). */
  private static NDArray sameForEveryRow(float[] values, int b, NDManager bm) {
    return Tensors.create(bm, values).expandDims(0).broadcast(new Shape(b, values.length));
  }

  private static NDArray rowsOf(float[][] values, int b, int w, NDManager bm) {
    float[] flat = new float[b * w];
    for (int i = 0; i < b; i++) {
      System.arraycopy(values[i], 0, flat, i * w, w);
    }
    return Tensors.create(bm, flat, new Shape(b, w));
  }
}

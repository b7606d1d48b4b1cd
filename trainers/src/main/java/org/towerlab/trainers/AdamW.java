package org.towerlab.trainers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.Tensors;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, ICLR 2019) and global-norm gradient
 * clipping, written with in-place NDArray ops so that its state (first and second moments, step
 * count) can be checkpointed and a resumed run continues to the same numbers.
 *
 * <p>{@code g <- g * min(1, clip / ||g||)}; {@code m <- b1 m + (1 - b1) g};
 * {@code v <- b2 v + (1 - b2) g^2}; {@code w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * - lr wd w}. Gradients are zeroed after the update (PyTorch accumulates them otherwise).
 *
 * <p><b>Multi-tensor update.</b> The dense parameters' moments are kept in one flat buffer each and
 * every step concatenates the gradients and runs the update once over all of them, then splits it
 * back: about 4 engine calls per parameter instead of about 20, with the same element-wise
 * arithmetic (same operations in the same order, so the same numbers).
 *
 * <p><b>Row-sparse embedding tables</b> ({@link EmbeddingUpdates}). An {@link EmbeddingTable}
 * whose mode is {@code lazy-adam} or {@code rowwise-adagrad} is updated only in the rows a step
 * read (the table's lookups are routed through this optimizer: {@link EmbeddingTable#trackRows}),
 * so a step costs in proportion to the batch, not to the vocabulary:
 * <ul>
 *   <li>lazy Adam (TensorFlow's LazyAdam, PyTorch's SparseAdam): the Adam update above on the read
 *       rows only, with the global step {@code t} in the bias correction; rows not read keep their
 *       weights and moments. Equal to the dense update for a row read at every step; a row read
 *       only sometimes does not coast on its momentum in between (dense Adam keeps moving it by
 *       {@code lr m / sqrt(v)} with a zero gradient);
 *   <li>row-wise AdaGrad (Duchi et al., JMLR 2011; the row-wise form of DLRM / FBGEMM): one
 *       accumulator per row, {@code G_r <- G_r + mean_j g_rj^2},
 *       {@code w_r <- w_r - lr g_r / (sqrt(G_r) + eps)} (and {@code - lr wd w_r}); one float of state
 *       per row instead of two per weight. It usually wants a larger learning rate than Adam.
 * </ul>
 * The global norm for clipping includes the row gradients (rows not read have a zero gradient, so
 * it is the dense gradient's norm).
 */
public final class AdamW implements AutoCloseable {
  private final List<NDArray> params;
  private final List<String> names;
  private final float lr;
  private final float weightDecay;
  private final float clipNorm;
  private final float beta1 = 0.9f;
  private final float beta2 = 0.999f;
  private final float eps = 1e-8f;
  private long t;

  // dense parameters: indices into params, flat moments, and where each one starts in them
  private final List<Integer> dense = new ArrayList<>();
  private final long[] splitPoints;
  private final NDArray m; // [P] or null when no dense parameter
  private final NDArray v; // [P]
  private final long[] offsets;
  private final long[] sizes;

  // row-sparse tables, by parameter index
  private final Map<Integer, Sparse> sparse = new LinkedHashMap<>();
  private final NDManager stateManager;
  private NDManager rowManager;
  private NDManager stateViews;

  /** Everything dense (the original optimizer). */
  public AdamW(Map<String, NDArray> params, NDManager stateManager, double lr, double weightDecay, double clipNorm) {
    this(params, stateManager, lr, weightDecay, clipNorm, EmbeddingUpdates.DENSE);
  }

  /**
   * @param updates how embedding tables among {@code params} are updated
   */
  public AdamW(Map<String, NDArray> params, NDManager stateManager, double lr, double weightDecay, double clipNorm,
      EmbeddingUpdates updates) {
    this.params = new ArrayList<>(params.values());
    this.names = new ArrayList<>(params.keySet());
    this.stateManager = stateManager;
    this.lr = (float) lr;
    this.weightDecay = (float) weightDecay;
    this.clipNorm = (float) clipNorm;
    this.offsets = new long[this.params.size()];
    this.sizes = new long[this.params.size()];
    long total = 0;
    for (int i = 0; i < this.params.size(); i++) {
      NDArray p = this.params.get(i);
      EmbeddingTable table = EmbeddingTable.of(p);
      EmbeddingUpdates.Mode mode = table == null ? EmbeddingUpdates.Mode.DENSE : updates.modeFor(table.rows());
      sizes[i] = p.size();
      if (mode == EmbeddingUpdates.Mode.DENSE) {
        offsets[i] = total;
        total += p.size();
        dense.add(i);
      } else {
        sparse.put(i, new Sparse(table, mode, stateManager));
      }
    }
    this.splitPoints = new long[Math.max(0, dense.size() - 1)];
    for (int k = 1; k < dense.size(); k++) {
      splitPoints[k - 1] = offsets[dense.get(k)];
    }
    this.m = total == 0 ? null : stateManager.zeros(new Shape(total));
    this.v = total == 0 ? null : stateManager.zeros(new Shape(total));
    if (!sparse.isEmpty()) {
      rowManager = stateManager.newSubManager();
      EmbeddingTable.RowLookups lookups = this::lookup;
      for (Sparse s : sparse.values()) {
        s.table.trackRows(lookups);
      }
    }
  }

  /** The parameter names updated row-sparsely, with their mode ({@code lazy-adam}, {@code rowwise-adagrad}). */
  public Map<String, String> sparseParameters() {
    Map<String, String> out = new LinkedHashMap<>();
    sparse.forEach((i, s) -> out.put(names.get(i), s.mode.label()));
    return out;
  }

  /**
   * One update from the accumulated gradients. Every temporary is closed before returning.
   *
   * @return the global gradient norm before clipping
   */
  public double step() {
    try (NDScope scope = new NDScope()) {
      return update();
    } finally {
      if (rowManager != null) {
        rowManager.close();
        rowManager = stateManager.newSubManager();
        for (Sparse s : sparse.values()) {
          s.reads.clear();
        }
      }
    }
  }

  private double update() {
    t++;
    List<NDArray> grads = new ArrayList<>();
    for (int i : dense) {
      grads.add(params.get(i).getGradient());
    }
    for (Sparse s : sparse.values()) {
      s.gather();
    }
    NDArray flat = null;
    if (!dense.isEmpty()) {
      NDList pieces = new NDList();
      for (NDArray g : grads) {
        pieces.add(g.reshape(-1));
      }
      flat = pieces.size() == 1 ? pieces.get(0) : NDArrays.concat(pieces); // [P]
    }
    double norm = norm(flat, grads);
    float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
    float c1 = (float) (1 - Math.pow(beta1, t));
    float c2 = (float) (1 - Math.pow(beta2, t));
    if (flat != null) {
      NDArray g = scale != 1f ? flat.mul(scale) : flat;
      m.muli(beta1).addi(g.mul(1 - beta1));
      v.muli(beta2).addi(g.square().mul(1 - beta2));
      NDArray update = m.div(c1).div(v.div(c2).sqrt().add(eps)).mul(lr); // [P]
      NDList parts = splitPoints.length == 0 ? new NDList(update) : update.split(splitPoints);
      for (int k = 0; k < dense.size(); k++) {
        NDArray p = params.get(dense.get(k));
        if (weightDecay > 0) {
          p.subi(p.mul(lr * weightDecay));
        }
        p.subi(parts.get(k).reshape(p.getShape()));
        grads.get(k).subi(grads.get(k)); // zero the accumulated gradient in place
      }
    }
    for (Map.Entry<Integer, Sparse> e : sparse.entrySet()) {
      e.getValue().update(params.get(e.getKey()), scale, c1, c2);
    }
    return norm;
  }

  /** The global norm; per-parameter sums of squares (in parameter order) when clipping needs the exact norm. */
  private double norm(NDArray flat, List<NDArray> grads) {
    double sq = 0;
    boolean debug = Boolean.getBoolean("towerlab.debug.grad");
    if (flat != null) {
      if (clipNorm > 0 || debug) {
        NDList parts = splitPoints.length == 0 ? new NDList(flat) : flat.split(splitPoints);
        NDList sums = new NDList();
        for (NDArray part : parts) {
          sums.add(part.square().sum());
        }
        float[] s = NDArrays.stack(sums).toFloatArray();
        for (int k = 0; k < s.length; k++) {
          if (debug) {
            System.err.println("step " + t + " " + names.get(dense.get(k)) + " gsq " + s[k]);
          }
          checkFinite(s[k], dense.get(k));
          sq += s[k];
        }
      } else {
        float s = flat.square().sum().getFloat();
        if (!Float.isFinite(s)) {
          for (int k = 0; k < grads.size(); k++) {
            checkFinite(grads.get(k).square().sum().getFloat(), dense.get(k));
          }
        }
        sq += s;
      }
    }
    for (Map.Entry<Integer, Sparse> e : sparse.entrySet()) {
      float s = e.getValue().sumOfSquares();
      checkFinite(s, e.getKey());
      sq += s;
    }
    return Math.sqrt(sq);
  }

  private void checkFinite(float sumOfSquares, int param) {
    if (!Float.isFinite(sumOfSquares)) {
      throw new IllegalStateException("the gradient of '" + names.get(param) + "' is not finite at step " + t
          + "; lower trainer.learning-rate or set trainer.clip-norm");
    }
  }

  // ---------------------------------------------------------------- row-sparse tables

  /** A lookup inside a training step: embeds from a leaf holding the step's unique rows. */
  private NDArray lookup(EmbeddingTable table, NDArray ids) {
    Sparse s = null;
    for (Sparse x : sparse.values()) {
      if (x.table == table) {
        s = x;
      }
    }
    if (s == null) {
      throw new IllegalStateException("an embedding table is routed to an optimizer that does not own it");
    }
    NDList u = ids.unique(null, true, true, false);
    NDArray uniq = u.get(0); // [U] int64, sorted
    NDArray inverse = u.get(1); // shape of ids, values in [0, U)
    NDArray rows = embed(uniq, table.table().stopGradient()); // [U, dim], a copy
    rows.setRequiresGradient(true);
    // The leaf and its ids outlive the step's batch manager and scope: the update reads them.
    NDScope.unregister(uniq, rows);
    uniq.attach(rowManager);
    rows.attach(rowManager);
    s.reads.add(new Read(uniq, rows));
    return embed(inverse, rows); // [.., dim]
  }

  private static NDArray embed(NDArray ids, NDArray weight) {
    return ids.getNDArrayInternal().embedding(ids, weight, SparseFormat.DENSE).singletonOrThrow();
  }

  /** The rows one lookup read and the leaf it embedded from. */
  private record Read(NDArray ids, NDArray rows) {}

  /** The state of one row-sparse table. */
  private final class Sparse {
    final EmbeddingTable table;
    final EmbeddingUpdates.Mode mode;
    final NDArray m; // [rows, dim] (lazy Adam) or [1] (unused, row-wise AdaGrad)
    final NDArray v; // [rows, dim] (lazy Adam) or [rows, 1] (row-wise AdaGrad)
    final List<Read> reads = new ArrayList<>();
    NDArray ids; // [U] this step's rows (unique)
    NDArray grad; // [U, dim] their summed gradient
    boolean denseSeen;

    Sparse(EmbeddingTable table, EmbeddingUpdates.Mode mode, NDManager manager) {
      this.table = table;
      this.mode = mode;
      Shape shape = table.table().getShape();
      if (mode == EmbeddingUpdates.Mode.LAZY_ADAM) {
        m = manager.zeros(shape);
        v = manager.zeros(shape);
      } else {
        m = manager.zeros(new Shape(1));
        v = manager.zeros(new Shape(shape.get(0), 1));
      }
    }

    /** Collects this step's row gradients into one {@code [U, dim]} block over unique rows. */
    void gather() {
      ids = null;
      grad = null;
      NDArray denseGrad = denseGradient();
      if (reads.size() == 1 && denseGrad == null) {
        ids = reads.get(0).ids();
        grad = reads.get(0).rows().getGradient();
        return;
      }
      NDList idList = new NDList();
      NDList gradList = new NDList();
      for (Read r : reads) {
        idList.add(r.ids());
        gradList.add(r.rows().getGradient());
      }
      if (denseGrad != null) {
        // the table was also used directly: its dense gradient joins as every row
        if (!denseSeen) {
          denseSeen = true;
          System.err.printf(Locale.ROOT, "note: embedding table %s is also used outside lookups; its rows are"
              + " updated from the dense gradient too%n", table.table().getName());
        }
        idList.add(table.table().getManager().arange(0, (int) table.rows(), 1, ai.djl.ndarray.types.DataType.INT64));
        gradList.add(denseGrad);
      }
      if (idList.isEmpty()) {
        return;
      }
      NDArray allIds = idList.size() == 1 ? idList.get(0) : NDArrays.concat(idList); // [T]
      NDArray allGrads = gradList.size() == 1 ? gradList.get(0) : NDArrays.concat(gradList); // [T, dim]
      NDList u = allIds.unique(null, true, true, false);
      ids = u.get(0); // [U]
      // sum the duplicates: the gradient of sum(embed(inverse, z) * allGrads) with respect to z
      NDArray z = allGrads.getManager().zeros(new Shape(ids.getShape().get(0), table.dim()));
      z.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(embed(u.get(1), z).mul(allGrads).sum());
      }
      grad = z.getGradient().duplicate(); // [U, dim]
      if (denseGrad != null) {
        denseGrad.subi(denseGrad);
      }
    }

    /** The table's own (dense) gradient when something used the table outside lookups, else null. */
    private NDArray denseGradient() {
      NDArray w = table.table();
      try {
        Object g = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getGradient", w.getClass()).invoke(null, w);
        return (NDArray) g;
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }

    float sumOfSquares() {
      return grad == null ? 0f : grad.square().sum().getFloat();
    }

    void update(NDArray p, float scale, float c1, float c2) {
      if (grad == null) {
        return;
      }
      NDArray g = scale != 1f ? grad.mul(scale) : grad; // [U, dim]
      NDIndex at = new NDIndex("{}", ids);
      NDArray w = embed(ids, p); // [U, dim]
      if (weightDecay > 0) {
        w = w.sub(w.mul(lr * weightDecay));
      }
      if (mode == EmbeddingUpdates.Mode.LAZY_ADAM) {
        NDArray mr = embed(ids, m).mul(beta1).add(g.mul(1 - beta1)); // [U, dim]
        NDArray vr = embed(ids, v).mul(beta2).add(g.square().mul(1 - beta2)); // [U, dim]
        NDArray update = mr.div(c1).div(vr.div(c2).sqrt().add(eps)).mul(lr); // [U, dim]
        m.set(at, mr);
        v.set(at, vr);
        p.set(at, w.sub(update));
      } else {
        NDArray acc = embed(ids, v).add(g.square().mean(new int[] {1}, true)); // [U, 1]
        v.set(at, acc);
        p.set(at, w.sub(g.mul(lr).div(acc.sqrt().add(eps))));
      }
    }
  }

  public long steps() {
    return t;
  }

  /**
   * Moments in parameter order (every parameter's first moment, then every second moment), for
   * checkpoints. A row-wise AdaGrad table's first moment is a placeholder {@code [1]} and its
   * second moment the row accumulators {@code [rows, 1]}. The arrays are valid until the next call
   * or {@link #close()}.
   */
  public NDList state() {
    // views of the flat buffers live on their own manager, replaced at each call (no growth per checkpoint)
    if (stateViews != null) {
      stateViews.close();
    }
    stateViews = stateManager.newSubManager();
    NDList first = new NDList();
    NDList second = new NDList();
    for (int i = 0; i < params.size(); i++) {
      Sparse s = sparse.get(i);
      if (s != null) {
        first.add(s.m);
        second.add(s.v);
      } else {
        NDIndex range = new NDIndex(offsets[i] + ":" + (offsets[i] + sizes[i]));
        first.add(m.get(stateViews, range).reshape(params.get(i).getShape()));
        second.add(v.get(stateViews, range).reshape(params.get(i).getShape()));
      }
    }
    NDList out = new NDList();
    out.addAll(first);
    out.addAll(second);
    return out;
  }

  public void restore(List<float[]> moments, long steps) {
    for (int i = 0; i < params.size(); i++) {
      Sparse s = sparse.get(i);
      if (s != null) {
        Tensors.overwrite(s.m, moments.get(i));
        Tensors.overwrite(s.v, moments.get(params.size() + i));
      } else {
        String range = offsets[i] + ":" + (offsets[i] + sizes[i]);
        try (NDManager tmp = stateManager.newSubManager()) {
          m.set(new NDIndex(range), Tensors.create(tmp, moments.get(i)));
          v.set(new NDIndex(range), Tensors.create(tmp, moments.get(params.size() + i)));
        }
      }
    }
    this.t = steps;
  }

  /** Stops routing the tables' lookups through this optimizer. */
  @Override
  public void close() {
    for (Sparse s : sparse.values()) {
      s.table.trackRows(null);
    }
    if (rowManager != null) {
      rowManager.close();
      rowManager = null;
    }
    if (stateViews != null) {
      stateViews.close();
      stateViews = null;
    }
  }
}

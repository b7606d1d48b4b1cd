package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.NoGrad;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * Residual quantization with one codebook per level (Lee et al., "Autoregressive Image Generation
 * using Residual Quantization", CVPR 2022; per-level codebooks as in TARQ and TIGER):
 *
 * <pre>
 *   r_0 = q                                          [N, d]
 *   z_l = argmin_k ||r_(l-1) - C_l[k]||^2             [N]      under no-grad, on a detached copy
 *   r_l = r_(l-1) - C_l[z_l]
 *   q_hat^(l) = sum_(j &lt;= l) C_j[z_j],  q_hat = q_hat^(L),  q - q_hat = r_L   (telescoping)
 *   q_ste = q + sg(q_hat - q)                        forward value q_hat, gradient identity to q
 * </pre>
 *
 * <p>Losses (added by the item tower while training): the commitment loss
 * {@code beta * R_l mean ||q - sg(q_hat^(l))||^2} over every partial sum, with {@code R} the mean or
 * the sum over levels (RQ-VAE's code averages, its paper sums); for gradient codebooks the codebook
 * term {@code R_l mean ||sg(r_(l-1)) - C_l[z_l]||^2} (VQ-VAE's). Squared norms are summed over the
 * d dimensions and averaged over rows, so that they weigh as much per row as a ranking loss that
 * is averaged over rows (RQ-VAE's code averages over dimensions too, next to a reconstruction loss
 * that does the same).
 *
 * <p>Codebooks are weights ({@code codebook-update: gradient}) or buffers updated by exponential
 * moving averages ({@code ema}), each level fed the residuals it quantized:
 * {@code N_k <- g N_k + (1-g) n_k}, {@code m_k <- g m_k + (1-g) sum_(z=k) r},
 * {@code C_k = m_k / N~_k} with Laplace smoothing {@code N~_k = (N_k + eps) n / (n + K eps)},
 * {@code n = sum_k N_k}. Both modes keep {@code N_k} ({@code ema-count}); a code whose count falls below
 * {@code restart-threshold} is restarted from a random residual of the batch plus uniform noise of
 * size {@code 0.01 / sqrt(d)}, with count 1 (RQ-VAE). The counts start at 1 and the EMA sums at the
 * initial codewords, so an unused code keeps its value until it is restarted.
 *
 * <p>Every forward pass works on a copy of the codebooks taken at its first use
 * ({@link #codebooks}), so updates and restarts, done in place right after a training pass assigns
 * its codes, never touch an array the pass's backward needs; gradients of a gradient codebook flow
 * through the copy to the weight. Restart draws come from {@link Forward#rng()}: same seed, same
 * restarts.
 */
final class ResidualQuantizer {
  private final int levels;
  private final int size;
  private final int dim;
  private final boolean ema;
  private final float decay;
  private final float epsilon;
  private final double threshold;
  private final double initStd;
  private final float commitmentWeight;
  private final float codebookWeight;
  private final boolean sumLevels;
  private NDArray[] codebook; // [K, d] each: weight or buffer
  private NDArray[] count; // [K] each: buffer
  private NDArray[] sum; // [K, d] each: buffer (ema only)
  private Forward lastForward;
  private NDArray[] snapshot;

  ResidualQuantizer(TarqModelConfig c) {
    this(c.levels(), c.codebookSize(), c.dim(), c.ema(), c.emaDecay(), c.emaEpsilon(), c.restartThreshold(),
        c.codebookInitStd(), c.commitmentWeight(), c.codebookWeight(), c.commitmentReduction().equals("sum"));
  }

  ResidualQuantizer(int levels, int size, int dim, boolean ema, double decay, double epsilon, double threshold,
      double initStd, double commitmentWeight, double codebookWeight, boolean sumLevels) {
    this.levels = levels;
    this.size = size;
    this.dim = dim;
    this.ema = ema;
    this.decay = (float) decay;
    this.epsilon = (float) epsilon;
    this.threshold = threshold;
    this.initStd = initStd;
    this.commitmentWeight = (float) commitmentWeight;
    this.codebookWeight = (float) codebookWeight;
    this.sumLevels = sumLevels;
  }

  /** Creates {@code level-<l>.codebook} (weight or buffer), {@code level-<l>.ema-count} and, for EMA, {@code level-<l>.ema-sum}. */
  void initialize(Params params) {
    codebook = new NDArray[levels];
    count = new NDArray[levels];
    sum = new NDArray[levels];
    for (int l = 0; l < levels; l++) {
      Params p = params.scope("level-" + (l + 1));
      Shape shape = new Shape(size, dim);
      codebook[l] = ema ? p.buffer("codebook", shape, Init.normal(initStd))
          : p.create("codebook", shape, Init.normal(initStd));
      count[l] = p.buffer("ema-count", new Shape(size), Init.constant(1f));
      if (ema) {
        float[] start = codebook[l].toFloatArray();
        sum[l] = p.buffer("ema-sum", shape, (s, rng) -> start.clone());
      }
    }
  }

  int levels() {
    return levels;
  }

  int size() {
    return size;
  }

  boolean ema() {
    return ema;
  }

  /**
   * The codebooks of one forward pass, {@code L x [K, d]} on its manager: a copy taken at the pass's
   * first call and returned again for the same pass. For gradient codebooks the copy carries the
   * gradient back to the weight.
   */
  synchronized NDArray[] codebooks(Forward fwd) {
    if (fwd == lastForward && snapshot != null) {
      return snapshot;
    }
    NDArray zero = Tensors.scalar(fwd.manager(), 0f);
    NDArray[] out = new NDArray[levels];
    for (int l = 0; l < levels; l++) {
      out[l] = zero.add(codebook[l]); // [K, d], on the pass's manager
    }
    snapshot = out;
    lastForward = fwd;
    return out;
  }

  /** All levels' codewords stacked, {@code [L * K, d]} (row {@code l * K + k} is {@code C_l[k]}). */
  NDArray stacked(Forward fwd) {
    NDArray[] c = codebooks(fwd);
    return c.length == 1 ? c[0] : NDArrays.concat(new NDList(c), 0);
  }

  /**
   * The result of quantizing N vectors.
   *
   * @param codes int64 {@code [N, L]}
   * @param quantized {@code q_hat [N, d]} (gradient to gradient codebooks)
   * @param straightThrough {@code q + sg(q_hat - q) [N, d]}
   * @param residual {@code r_L [N, d]}, detached
   * @param partials {@code q_hat^(l)} for l = 1..L, each {@code [N, d]}
   * @param inputs the detached residual each level quantized, {@code r_(l-1)}, each {@code [N, d]}
   * @param chosen {@code C_l[z_l]} with gradient to the codebook, each {@code [N, d]}
   */
  record Quantized(NDArray codes, NDArray quantized, NDArray straightThrough, NDArray residual,
      List<NDArray> partials, List<NDArray> inputs, List<NDArray> chosen) {}

  /**
   * Quantizes {@code q [N, d]}. In a training pass it also adds the commitment (and codebook) terms
   * as aux losses {@code tarq-commitment} ({@code tarq-codebook}), records the diagnostics
   * ({@code tarq/level-<l>/utilization}, {@code perplexity}, {@code restarts},
   * {@code tarq/quantization-error}, {@code tarq/relative-quantization-error}) and updates the
   * codebooks' statistics.
   */
  Quantized quantize(NDArray q, Forward fwd) {
    NDArray[] cb = codebooks(fwd);
    NDArray[] z = new NDArray[levels];
    NDArray[] inputs = new NDArray[levels];
    NDArray[] last = new NDArray[1];
    NoGrad.run(() -> {
      NDArray r = q.stopGradient(); // [N, d]
      for (int l = 0; l < levels; l++) {
        NDArray c = cb[l].stopGradient(); // [K, d]
        inputs[l] = r;
        z[l] = nearest(r, c); // [N]
        r = r.sub(rows(c, z[l])); // [N, d]
      }
      last[0] = r;
    });
    NDArray codes = NDArrays.stack(new NDList(z), 1); // [N, L] int64
    List<NDArray> partials = new ArrayList<>();
    List<NDArray> chosen = new ArrayList<>();
    NDArray partial = null;
    for (int l = 0; l < levels; l++) {
      NDArray e = rows(cb[l], z[l]); // [N, d], gradient to C_l
      chosen.add(e);
      partial = partial == null ? e : partial.add(e);
      partials.add(partial);
    }
    NDArray ste = q.add(partial.sub(q).stopGradient()); // [N, d]
    Quantized out = new Quantized(codes, partial, ste, last[0], partials, List.of(inputs), chosen);
    if (fwd.training()) {
      addLosses(q, out, fwd);
      update(q, out, fwd);
    }
    return out;
  }

  /** Index of the nearest codeword of each row: {@code argmin_k ||r - c_k||^2} {@code [N]}. */
  static NDArray nearest(NDArray r, NDArray c) {
    NDArray d2 = r.square().sum(new int[] {1}, true) // [N, 1]
        .sub(r.matMul(c.transpose()).mul(2f)) // [N, K]
        .add(c.square().sum(new int[] {1}).expandDims(0)); // [N, K]
    return d2.argMin(1).toType(DataType.INT64, false); // [N]
  }

  /** {@code table[index]}: {@code [K, d]} and int64 {@code [..]} to {@code [.., d]} on the index's manager. */
  static NDArray rows(NDArray table, NDArray index) {
    return index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private void addLosses(NDArray q, Quantized z, Forward fwd) {
    NDManager m = fwd.manager();
    float levelScale = sumLevels ? 1f : 1f / levels;
    if (commitmentWeight > 0) {
      NDArray total = null;
      for (NDArray p : z.partials()) {
        NDArray t = q.sub(p.stopGradient()).square().sum(new int[] {1}).mean(); // [], gradient to q only
        total = total == null ? t : total.add(t);
      }
      fwd.addAuxLoss("tarq-commitment", total.mul(Tensors.scalar(m, commitmentWeight * levelScale)));
    }
    if (!ema && codebookWeight > 0) {
      NDArray total = null;
      for (int l = 0; l < levels; l++) {
        NDArray t = z.inputs().get(l).sub(z.chosen().get(l)).square().sum(new int[] {1}).mean(); // [], to C_l only
        total = total == null ? t : total.add(t);
      }
      fwd.addAuxLoss("tarq-codebook", total.mul(Tensors.scalar(m, codebookWeight * levelScale)));
    }
  }

  /** Diagnostics, usage counts, EMA updates and restarts, in Java on copies of the statistics. */
  private void update(NDArray q, Quantized z, Forward fwd) {
    int n = Math.toIntExact(q.getShape().get(0));
    if (n == 0) {
      return;
    }
    long[] codes = z.codes().toLongArray(); // [N * L]
    SplittableRandom rng = fwd.rng();
    float noise = (float) (0.01 / Math.sqrt(dim));
    for (int l = 0; l < levels; l++) {
      float[] in = z.inputs().get(l).toFloatArray(); // [N * d]
      int[] hits = new int[size];
      for (int i = 0; i < n; i++) {
        hits[(int) codes[i * levels + l]]++;
      }
      int used = 0;
      double entropy = 0;
      for (int k = 0; k < size; k++) {
        if (hits[k] > 0) {
          used++;
          double p = (double) hits[k] / n;
          entropy -= p * Math.log(p);
        }
      }
      String level = "tarq/level-" + (l + 1) + "/";
      fwd.logMetric(level + "utilization", (double) used / size);
      fwd.logMetric(level + "perplexity", Math.exp(entropy));

      float[] cnt = count[l].toFloatArray();
      for (int k = 0; k < size; k++) {
        cnt[k] = decay * cnt[k] + (1 - decay) * hits[k];
      }
      float[] m = null;
      if (ema) {
        m = sum[l].toFloatArray();
        for (int x = 0; x < m.length; x++) {
          m[x] *= decay;
        }
        for (int i = 0; i < n; i++) {
          int k = (int) codes[i * levels + l];
          for (int j = 0; j < dim; j++) {
            m[k * dim + j] += (1 - decay) * in[i * dim + j];
          }
        }
      }
      float[] cw = null;
      int restarts = 0;
      if (threshold > 0) {
        for (int k = 0; k < size; k++) {
          if (cnt[k] >= threshold) {
            continue;
          }
          if (cw == null) {
            cw = ema ? null : codebook[l].toFloatArray();
          }
          int row = rng.nextInt(n);
          float[] target = ema ? m : cw;
          for (int j = 0; j < dim; j++) {
            target[k * dim + j] = in[row * dim + j] + (float) rng.nextDouble() * noise;
          }
          cnt[k] = 1f;
          restarts++;
        }
      }
      fwd.logMetric(level + "restarts", restarts);
      if (ema) {
        double total = 0;
        for (float c : cnt) {
          total += c;
        }
        float[] values = new float[size * dim];
        for (int k = 0; k < size; k++) {
          double smoothed = (cnt[k] + epsilon) * total / (total + size * epsilon);
          for (int j = 0; j < dim; j++) {
            values[k * dim + j] = (float) (m[k * dim + j] / smoothed);
          }
        }
        write(sum[l], m);
        write(codebook[l], values);
      } else if (cw != null) {
        write(codebook[l], cw);
      }
      write(count[l], cnt);
    }
    float[] r = z.residual().toFloatArray();
    float[] x = q.toFloatArray();
    double err = 0;
    double norm = 0;
    for (int i = 0; i < r.length; i++) {
      err += (double) r[i] * r[i];
      norm += (double) x[i] * x[i];
    }
    fwd.logMetric("tarq/quantization-error", err / n);
    fwd.logMetric("tarq/relative-quantization-error", norm > 0 ? err / norm : 0.0);
  }

  /** Overwrites a weight or buffer in place, outside autograd. */
  private static void write(NDArray target, float[] values) {
    NoGrad.run(() -> Tensors.overwrite(target, values));
  }
}

package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * TARQ's user tower (Li et al., "Equip Pre-ranking with Target Attention by Residual Quantization",
 * SIGIR 2026, arXiv 2509.16931): the student's personalized codebook, and, while training, the
 * teacher's user side and the coupling that trains the teacher and distills it.
 *
 * <pre>
 *   H_S, v_u   = student SequenceTower(x_user, x_seq)                      [N, T, d], [N, d]
 *   X_bar_l[k] = MHA_S(C_l[k], H_S, H_S)  for every level l and code k      [N, L*K, d]  (heads)
 * </pre>
 *
 * <p>The personalized codebook costs L*K attention queries per user, whatever the number of
 * candidates; a candidate then costs L gathers ({@link TarqInteraction}). Output: {@code embedding}
 * = v_u, {@code heads} = X_bar (row {@code l*K + k}); in training passes with a teacher, also the
 * teacher's user side ({@code extras}: {@value #TEACHER_USER} {@code [N, d]}, {@value #TEACHER_SEQUENCE}
 * {@code [N, T, d]}, {@value #TEACHER_MASK} {@code [N, T]}).
 *
 * <p>As a {@link Coupling}, for every row's pair and up to {@code distill-candidates} of the step's
 * sampled candidates (cells {@code [B, 1+m]}):
 *
 * <pre>
 *   h_tar   = MHA_T(q, H_T, H_T)                  teacher (own weights, query = the item's q)
 *   s_T     = &lt;h_tar + v_T, q&gt;
 *   L_TA    = BCE(s_T, [y | 0 ..]) or softmax      aux tarq-teacher  (weight teacher-weight)
 *   h_tilde = sum_l X_bar_l[z_l]
 *   L_rec   = mean_cells 1/2 ||h_tilde - sg(h_tar)||^2      aux tarq-rec   (weight rec-weight)
 *   L_align = {@link CodebookAlignment} on sg(h_tar)         aux tarq-align (weight align-weight)
 * </pre>
 *
 * The teacher's weights receive gradient from {@code L_TA} only: both distillation terms read
 * {@code h_tar} through a stop-gradient. The item query network phi is shared (it is the teacher's
 * query and the quantized vector), so all three terms reach it, as in the official code.
 */
final class TarqUserTower implements Tower, Coupling {
  static final String TEACHER_USER = "teacher.user";
  static final String TEACHER_SEQUENCE = "teacher.sequence";
  static final String TEACHER_MASK = "teacher.mask";
  static final String TEACHER_LOSS = "tarq-teacher";
  static final String REC_LOSS = "tarq-rec";
  static final String ALIGN_LOSS = "tarq-align";

  private final TarqModelConfig config;
  private final String path;
  private final SequenceTower student;
  private final TargetAttention studentAttention;
  private final ResidualQuantizer quantizer;
  private final SequenceTower teacherUser;
  private final TargetAttention teacherAttention;

  TarqUserTower(TarqModelConfig config, String path, ResidualQuantizer quantizer, SequenceTower teacherUser,
      TargetAttention teacherAttention) {
    this.config = config;
    this.path = path;
    this.student = new SequenceTower(config.architecture(), path);
    this.studentAttention = new TargetAttention(config.architecture());
    this.quantizer = quantizer;
    this.teacherUser = teacherUser;
    this.teacherAttention = teacherAttention;
  }

  @Override
  public void initialize(InitContext ctx) {
    student.initialize(ctx);
    studentAttention.initialize(ctx.scope("attention"));
  }

  @Override
  public long outputDim() {
    return config.dim();
  }

  /** The student's attention (its query over the user's sequence builds the personalized codebook). */
  TargetAttention studentAttention() {
    return studentAttention;
  }

  /** The student's user side (sequence and backbone). */
  SequenceTower student() {
    return student;
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    TowerOutput s = student.encode(features, fwd); // v_u [N, d], H_S [N, T, d]
    NDArray xbar = studentAttention.attendShared(s, quantizer.stacked(fwd), fwd); // [N, L*K, d]
    Map<String, NDArray> extras = new LinkedHashMap<>();
    if (fwd.training() && teacherUser != null) {
      TowerOutput t = teacherUser.encode(features, fwd);
      extras.put(TEACHER_USER, t.embedding()); // [N, d]
      extras.put(TEACHER_SEQUENCE, t.heads()); // [N, T, d]
      extras.put(TEACHER_MASK, t.extras().get(SequenceTower.MASK)); // [N, T]
    }
    return new TowerOutput(s.embedding(), xbar, null, null, extras);
  }

  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    if (!fwd.training() || teacherUser == null || pairs.side() != Side.QUERY) {
      return;
    }
    TowerOutput user = pairs.self();
    TowerOutput item = pairs.other();
    if (user.extras().get(TEACHER_USER) == null || item.codes() == null) {
      throw new IllegalStateException("the outputs given to the TARQ coupling at " + path
          + " were not produced by the TARQ towers in a training pass");
    }
    NDManager m = fwd.manager();
    int b = pairs.queryIds().length;
    Cells cells = cells(pairs, fwd.rng());
    int w = cells.width;
    NDArray index = Tensors.create(m, cells.rows, new Shape(b, w)); // [B, W]
    Coupling.Sampled s = pairs.sampled();
    boolean extra = s != null && s.items() != null;
    NDArray qAll = extra ? NDArrays.concat(new NDList(item.extras().get(TarqItemTower.QUERY),
        s.items().extras().get(TarqItemTower.QUERY)), 0) : item.extras().get(TarqItemTower.QUERY); // [R, d]
    NDArray codesAll = extra ? NDArrays.concat(new NDList(item.codes(), s.items().codes()), 0) : item.codes(); // [R, L]
    NDArray q = ResidualQuantizer.rows(qAll, index); // [B, W, d], gradient to phi
    int levels = quantizer.levels();
    long[] flatCodes = codesAll.toLongArray();
    long[] codes = new long[b * w * levels];
    for (int cell = 0; cell < b * w; cell++) {
      System.arraycopy(flatCodes, Math.toIntExact(cells.rows[cell] * levels), codes, cell * levels, levels);
    }

    TowerOutput teacher = new TowerOutput(user.extras().get(TEACHER_USER), user.extras().get(TEACHER_SEQUENCE), null,
        null, Map.of(SequenceTower.MASK, user.extras().get(TEACHER_MASK)));
    NDArray hTar = teacherAttention.attend(teacher, q, fwd); // [B, W, d]
    NDArray scores = teacherAttention.readout(hTar, teacher, q); // [B, W]
    NDArray y = pairs.labels().get(config.teacherLabel()); // [B]
    if (y == null) {
      throw new UserException("The TARQ teacher at " + path + " learns the pair label '" + config.teacherLabel() + "' ("
          + path + ".teacher-label), but the training rows carry " + pairs.labels().keySet()
          + ". Set teacher-label to one of them (a 0/1 label; 'positive' for implicit feedback).");
    }
    NDArray valid = Tensors.create(m, cells.valid, new Shape(b, w)); // [B, W], 0 = accidental hit
    NDArray teacherLoss = config.teacherLoss().equals("softmax") ? softmax(scores, y, valid) : bce(scores, y, valid, m);
    fwd.addAuxLoss(TEACHER_LOSS, teacherLoss.mul(Tensors.scalar(m, config.teacherWeight().floatValue())));

    NDArray target = hTar.stopGradient(); // [B, W, d]: the teacher is never pulled toward the student
    if (config.recWeight() > 0) {
      NDArray hTilde = PersonalizedCodebook.gather(user.heads(), codes, w, levels, quantizer.size(), 0, levels, m);
      NDArray rec = hTilde.sub(target).square().sum(new int[] {2}).mean().mul(Tensors.scalar(m, 0.5f)); // []
      fwd.addAuxLoss(REC_LOSS, rec.mul(Tensors.scalar(m, config.recWeight().floatValue())));
    }
    if (config.alignWeight() > 0) {
      NDArray align = CodebookAlignment.loss(q, target, quantizer.codebooks(fwd), user.heads(), codes,
          config.alignTemperature().floatValue(), config.alignEpsilon().floatValue(), m);
      fwd.addAuxLoss(ALIGN_LOSS, align.mul(Tensors.scalar(m, config.alignWeight().floatValue())));
    }
  }

  /** Per row: mean BCE of the pair against its label and of the valid candidates against 0; mean over rows. */
  private static NDArray bce(NDArray s, NDArray y, NDArray valid, NDManager m) {
    long b = s.getShape().get(0);
    long w = s.getShape().get(1);
    NDArray labels = w == 1 ? y.expandDims(1)
        : NDArrays.concat(new NDList(y.expandDims(1), m.zeros(new Shape(b, w - 1))), 1); // [B, W]
    NDArray terms = s.abs().neg().exp().add(1f).log().add(Activation.relu(s)).sub(s.mul(labels)); // [B, W]
    NDArray perRow = terms.mul(valid).sum(new int[] {1}).div(valid.sum(new int[] {1})); // [B]
    return perRow.mean();
  }

  /** Softmax of each positive row's pair against its valid candidates; rows with label 0 take no part. */
  private static NDArray softmax(NDArray s, NDArray y, NDArray valid) {
    NDArray logits = s.mul(valid).add(valid.sub(1f).mul(1e9f)); // invalid -> -1e9
    // column 0 (DJL records it as a full slice of dimension 0 and a select; each backward fills a
    // zero [B, W] block: small here, where W is the pair and m candidates)
    NDArray nll = logits.logSoftmax(1).get(new NDIndex().addAllDim().addIndices(0)).neg(); // [B]
    return nll.mul(y).sum().div(y.sum().maximum(1f));
  }

  /**
   * The cells of one step: for each row its pair (column 0) and m candidate columns drawn without
   * replacement from the step's candidates (the other rows' items when in-batch, the shared ones,
   * the row's own per-query ones). {@code rows} indexes {@code [row items | sampled items]}.
   */
  private record Cells(long[] rows, float[] valid, int width) {}

  private Cells cells(Coupling.Pairs pairs, SplittableRandom rng) {
    int b = pairs.queryIds().length;
    Coupling.Sampled s = pairs.sampled();
    int inBatch = s != null && s.inBatch() ? b : 0;
    int shared = s == null ? 0 : s.shared();
    int perQuery = s == null ? 0 : s.perQuery();
    int pool = inBatch + shared + perQuery;
    int m = Math.min(pool, config.distillCandidates());
    int[] order = new int[pool];
    for (int i = 0; i < pool; i++) {
      order[i] = i;
    }
    for (int i = 0; i < m; i++) { // partial Fisher-Yates: the first m are a uniform draw
      int j = i + rng.nextInt(pool - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int w = 1 + m;
    long[] rows = new long[b * w];
    float[] valid = new float[b * w];
    long[] items = pairs.itemIds();
    for (int i = 0; i < b; i++) {
      rows[i * w] = i;
      valid[i * w] = 1f;
      for (int j = 0; j < m; j++) {
        int col = order[j];
        long row;
        long id;
        if (col < inBatch) {
          row = col;
          id = items[col];
        } else if (col < inBatch + shared) {
          row = b + (col - inBatch);
          id = s.ids()[col - inBatch];
        } else {
          int k = shared + i * perQuery + (col - inBatch - shared);
          row = b + k;
          id = s.ids()[k];
        }
        rows[i * w + 1 + j] = row;
        valid[i * w + 1 + j] = id == items[i] ? 0f : 1f;
      }
    }
    return new Cells(rows, valid, w);
  }
}

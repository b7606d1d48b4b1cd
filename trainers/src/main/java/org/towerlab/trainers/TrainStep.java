package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.CandidateIds;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * One training step: the forward pass of both towers on a batch, the sampler's candidates, the
 * scores of every candidate source with their masks and logQ, a teacher's scores, the couplings,
 * the loss with every auxiliary term, per-step diagnostics, and the backward pass. It leaves the
 * gradients accumulated on the parameters; the caller runs the optimizer. Every strategy
 * ({@link PlainTrainer}, distillation, cascades) and every test that needs a step uses this class.
 *
 * <p>What a step iterates depends on its {@link TrainingRows} mode:
 * <ul>
 *   <li>{@code POSITIVES}: rows of {@link Split#train()}; each row's item is a positive and the
 *       sampler's candidates are its negatives, scored into {@link LossInput#negatives()}
 *       {@code [B, C]} (in-batch columns, then shared, then per-query; accidental hits masked);
 *   <li>{@code LOGGED}: the shown rows of {@code split.logged("train")} with their labels; the
 *       sampler is not called;
 *   <li>{@code LISTS}: units of a {@link ListSource}; every list slot is scored into
 *       {@link LossInput#listScores()} {@code [B, L]} with labels and mask.
 * </ul>
 *
 * <p>Arrays live on a sub-manager of the caller's manager that is closed before {@link #run}
 * returns; the result holds Java values only.
 */
public final class TrainStep {
  private final Model model;
  private final Sampler sampler;
  private final Loss loss;
  private final TrainingRows rows;
  private final InteractionLog log;
  private final ListSource lists;
  private final Split split;
  private final FeatureBatches batches;
  private final SamplerContext samplerContext;
  private final Model teacher;
  private final boolean ipw;
  private final double ipwClip;

  /**
   * The outcome of one step, as Java values.
   *
   * @param loss the total loss (main loss plus auxiliary terms)
   * @param aux each auxiliary term by name
   * @param metrics per-step diagnostics recorded with {@link Forward#logMetric}
   * @param size the number of rows or lists in the step
   */
  public record Result(double loss, Map<String, Double> aux, Map<String, Double> metrics, int size) {}

  private TrainStep(Builder b) {
    this.model = b.model;
    this.sampler = b.sampler;
    this.loss = b.loss;
    this.rows = b.rows;
    this.split = b.split;
    this.batches = b.batches != null ? b.batches : new FeatureBatches(b.split);
    this.samplerContext = b.samplerContext;
    this.teacher = b.teacher;
    this.ipw = b.ipw;
    this.ipwClip = b.ipwClip;
    this.lists = b.lists;
    this.log = switch (rows) {
      case POSITIVES -> split.train();
      case LOGGED -> shownRows(split.logged("train"));
      case LISTS -> null;
    };
    if (rows == TrainingRows.LISTS && lists == null) {
      throw new IllegalStateException("rows: lists needs a list source");
    }
    if (rows == TrainingRows.POSITIVES && (sampler == null || samplerContext == null)) {
      throw new IllegalStateException("rows: positives needs a sampler and its context");
    }
    if (ipw && log != null && log.propensities() == null) {
      throw new UserException("trainer.ipw is on but the data set '" + split.dataset().name()
          + "' has no propensity column. Turn trainer.ipw off or use data with logging propensities.");
    }
  }

  /** A builder for a step over {@code model} on {@code split}. */
  public static Builder builder(Model model, Split split) {
    return new Builder(model, split);
  }

  /** The shown rows of a logged part: logged candidates that were never shown have no feedback. */
  static InteractionLog shownRows(InteractionLog logged) {
    boolean[] exposed = logged.exposed();
    if (exposed == null) {
      return logged;
    }
    for (boolean e : exposed) {
      if (!e) {
        return logged.filter(exposed);
      }
    }
    return logged;
  }

  /** The row mode this step trains on. */
  public TrainingRows rows() {
    return rows;
  }

  /** The number of units one epoch iterates (rows, or lists). */
  public int size() {
    return rows == TrainingRows.LISTS ? lists.size() : log.size();
  }

  /** The log the step iterates ({@code null} for lists). */
  public InteractionLog log() {
    return log;
  }

  /** The list source of a list-wise step, or {@code null}. */
  public ListSource lists() {
    return lists;
  }

  public FeatureBatches batches() {
    return batches;
  }

  /**
   * Runs the forward pass, the loss and the backward pass for {@code units} (row indices into
   * {@link #log()}, or list indices). Gradients are accumulated on the model's parameters.
   *
   * @param samplerRng this step's generator for the sampler (or a sampled list source)
   * @param noise this step's generator for dropout-like noise ({@link Forward#rng()})
   */
  public Result run(int[] units, int epoch, long step, SplittableRandom samplerRng, SplittableRandom noise,
      NDManager manager) {
    return rows == TrainingRows.LISTS
        ? runLists(units, epoch, step, samplerRng, noise, manager)
        : runRows(units, epoch, step, samplerRng, noise, manager);
  }

  private Result runRows(int[] rowIdx, int epoch, long step, SplittableRandom samplerRng, SplittableRandom noise,
      NDManager manager) {
    int b = rowIdx.length;
    long[] q = new long[b];
    long[] pos = new long[b];
    long[] ts = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = log.queries()[rowIdx[i]];
      pos[i] = log.items()[rowIdx[i]];
      ts[i] = log.timestamps()[rowIdx[i]];
    }
    Negatives negs = rows == TrainingRows.POSITIVES
        ? sampler.sample(new SampleRequest(q, pos, epoch, step, samplerRng), samplerContext)
        : Negatives.none();
    int m = negs.shared().length;
    int k = negs.perQueryCount();
    long[] itemIds = new long[b + m + b * k];
    System.arraycopy(pos, 0, itemIds, 0, b);
    System.arraycopy(negs.shared(), 0, itemIds, b, m);
    for (int i = 0; i < b && k > 0; i++) {
      System.arraycopy(negs.perQuery()[i], 0, itemIds, b + m + i * k, k);
    }
    try (NDManager bm = manager.newSubManager();
        NDScope scope = new NDScope();
        GradientCollector gc = GradientCollectors.open()) {
      Forward fwd = new Forward(bm, true, noise, epoch, step);
      // by-category sequences hold the context of each row's item's category (in-context training)
      FeatureBatch qf = batches.build(Side.QUERY, q, ts, batches.targetCategories(pos), bm);
      FeatureBatch itf = batches.build(Side.ITEM, itemIds, FeatureBatches.candidateTimes(ts, m, k), bm);
      TowerOutput qo = model.queryTower().encode(qf, fwd);
      TowerOutput io = model.itemTower().encode(itf, fwd);
      TowerOutput po = itemIds.length == b ? io : io.rows(0, b);
      Interaction inter = model.interaction();
      NDArray scores = inter.scorePaired(qo, po, 1, fwd).reshape(b); // [B]

      Candidates c = candidates(inter, qo, io, po, negs, q, pos, fwd, bm);
      Map<String, NDArray> labels = labels(log, rowIdx, bm);
      NDArray weights = ipw ? weights(rowIdx, bm) : null;
      Coupling.Sampled sampled = m + b * k == 0 && !negs.inBatch() ? null
          : new Coupling.Sampled(m + b * k == 0 ? null : io.rows(b, itemIds.length),
              Arrays.copyOfRange(itemIds, b, itemIds.length), negs.inBatch(), m, k);
      couple(qo, po, labels, q, pos, sampled, fwd);
      NDArray teacherScores = teacher == null ? null : teacherScores(q, ts, pos, c.ids, c.width, bm);
      LossInput in = LossInput.builder(scores)
          .negatives(c.scores, c.mask)
          .logQ(c.scoreLogQ, c.logQ)
          .labels(labels)
          .weights(weights)
          .teacher(teacherScores)
          .outputs(qo, po)
          .ids(new LossInput.Ids(q, pos, rowIdx, c.ids, null))
          .build();
      return finish(in, fwd, gc, b, epoch, step);
    }
  }

  private Result runLists(int[] units, int epoch, long step, SplittableRandom samplerRng, SplittableRandom noise,
      NDManager manager) {
    int b = units.length;
    int len = lists.length();
    long[] q = new long[b];
    long[] ts = new long[b];
    long[] listItems = new long[b * len];
    float[] listLabels = new float[b * len];
    float[] mask = new float[b * len];
    float[] w = new float[b];
    boolean weighted = false;
    List<ListSource.CandidateList> got = lists.lists(units, epoch, step, samplerRng);
    for (int i = 0; i < b; i++) {
      ListSource.CandidateList l = got.get(i);
      if (l.items().length == 0 || l.items().length > len) {
        throw new IllegalStateException("list " + units[i] + " has " + l.items().length + " items; expected 1.." + len);
      }
      q[i] = l.query();
      ts[i] = l.time();
      w[i] = l.weight();
      weighted |= l.weight() != 1f;
      for (int j = 0; j < len; j++) {
        boolean filled = j < l.items().length;
        listItems[i * len + j] = filled ? l.items()[j] : l.items()[0];
        listLabels[i * len + j] = filled ? l.labels()[j] : 0f;
        mask[i * len + j] = filled ? 1f : 0f;
      }
    }
    try (NDManager bm = manager.newSubManager();
        NDScope scope = new NDScope();
        GradientCollector gc = GradientCollectors.open()) {
      Forward fwd = new Forward(bm, true, noise, epoch, step);
      FeatureBatch qf = batches.build(Side.QUERY, q, ts, bm);
      FeatureBatch itf = batches.build(Side.ITEM, listItems, FeatureBatches.perRow(ts, len), bm);
      TowerOutput qo = model.queryTower().encode(qf, fwd);
      TowerOutput io = model.itemTower().encode(itf, fwd);
      NDArray listScores = model.interaction().scorePaired(qo, io, len, fwd); // [B, L]
      NDArray labelArr = Tensors.create(bm, listLabels, new Shape(b, len)); // [B, L]
      NDArray maskArr = Tensors.create(bm, mask, new Shape(b, len)); // [B, L]

      // couplings see every filled slot as a pair, labelled positive when its label is > 0
      int filled = 0;
      for (float f : mask) {
        filled += f > 0 ? 1 : 0;
      }
      long[] slotRow = new long[filled];
      long[] slot = new long[filled];
      long[] slotQuery = new long[filled];
      long[] slotItem = new long[filled];
      float[] slotLabel = new float[filled];
      int n = 0;
      for (int i = 0; i < b * len; i++) {
        if (mask[i] > 0) {
          slotRow[n] = i / len;
          slot[n] = i;
          slotQuery[n] = q[i / len];
          slotItem[n] = listItems[i];
          slotLabel[n] = listLabels[i] > 0 ? 1f : 0f;
          n++;
        }
      }
      if (model.queryTower() instanceof Coupling || model.itemTower() instanceof Coupling) {
        TowerOutput qs = qo.select(Tensors.create(bm, slotRow));
        TowerOutput is = io.select(Tensors.create(bm, slot));
        couple(qs, is, Map.of("positive", Tensors.create(bm, slotLabel)), slotQuery, slotItem, null, fwd);
      }
      NDArray teacherScores = teacher == null ? null : listTeacher(q, ts, listItems, len, bm);
      Map<String, NDArray> labels = new LinkedHashMap<>();
      float[] anyPositive = new float[b];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < len; j++) {
          anyPositive[i] = Math.max(anyPositive[i], listLabels[i * len + j] > 0 ? 1f : 0f);
        }
      }
      labels.put("positive", Tensors.create(bm, anyPositive)); // [B]
      long[] first = new long[b];
      for (int i = 0; i < b; i++) {
        first[i] = listItems[i * len];
      }
      LossInput in = new LossInput.Builder()
          .list(listScores, labelArr, maskArr)
          .listTeacher(teacherScores)
          .labels(labels)
          .weights(weighted ? Tensors.create(bm, w) : null)
          .outputs(qo, null)
          .ids(new LossInput.Ids(q, first, units, null, listItems))
          .build();
      return finish(in, fwd, gc, b, epoch, step);
    }
  }

  private Result finish(LossInput in, Forward fwd, GradientCollector gc, int size, int epoch, long step) {
    NDArray total = loss.compute(in, fwd);
    Map<String, Double> aux = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : fwd.auxLosses().entrySet()) {
      total = total.add(e.getValue());
      aux.put(e.getKey(), (double) e.getValue().getFloat());
    }
    gc.backward(total);
    float value = total.getFloat();
    if (!Float.isFinite(value)) {
      throw new IllegalStateException("the loss is " + value + " at epoch " + (epoch + 1) + ", step " + step
          + "; lower trainer.learning-rate or set trainer.clip-norm");
    }
    return new Result(value, aux, new LinkedHashMap<>(fwd.metrics()), size);
  }

  private void couple(TowerOutput qo, TowerOutput po, Map<String, NDArray> labels, long[] q, long[] items,
      Coupling.Sampled sampled, Forward fwd) {
    if (model.queryTower() instanceof Coupling c) {
      c.couple(new Coupling.Pairs(Side.QUERY, qo, po, labels, q, items, sampled), fwd);
    }
    if (model.itemTower() instanceof Coupling c) {
      c.couple(new Coupling.Pairs(Side.ITEM, po, qo, labels, q, items, sampled), fwd);
    }
  }

  /** The step's candidate columns: scores {@code [B, C]}, mask, logQ, and the item id of each column. */
  record Candidates(NDArray scores, NDArray mask, NDArray logQ, NDArray scoreLogQ, CandidateIds ids, int width) {}

  private Candidates candidates(Interaction inter, TowerOutput qo, TowerOutput io, TowerOutput po, Negatives negs,
      long[] q, long[] pos, Forward fwd, NDManager bm) {
    return CandidateColumns.build(inter, qo, io, po, negs, q, pos, sampler instanceof InBatchMiner m ? m : null, fwd, bm);
  }

  /** Every label column of the rows, plus {@code positive} (1 when the log has none). */
  private static Map<String, NDArray> labels(InteractionLog log, int[] rowIdx, NDManager bm) {
    int b = rowIdx.length;
    Map<String, NDArray> labels = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : log.labels().entrySet()) {
      float[] v = new float[b];
      for (int i = 0; i < b; i++) {
        v[i] = e.getValue()[rowIdx[i]];
      }
      labels.put(e.getKey(), Tensors.create(bm, v)); // [B]
    }
    if (!labels.containsKey("positive")) {
      float[] ones = new float[b];
      Arrays.fill(ones, 1f);
      labels.put("positive", Tensors.create(bm, ones));
    }
    return labels;
  }

  private NDArray weights(int[] rowIdx, NDManager bm) {
    float[] w = new float[rowIdx.length];
    for (int i = 0; i < rowIdx.length; i++) {
      w[i] = (float) (1.0 / Math.max(log.propensities()[rowIdx[i]], ipwClip));
    }
    return Tensors.create(bm, w);
  }

  /** The teacher's scores of each row's pair and candidates, {@code [B, 1 + C]}, detached. */
  private NDArray teacherScores(long[] q, long[] ts, long[] pos, CandidateIds candidateIds, int width, NDManager bm) {
    int b = q.length;
    int w = 1 + width;
    long[] items = new long[b * w];
    for (int i = 0; i < b; i++) {
      items[i * w] = pos[i];
      for (int j = 0; j < width; j++) {
        long id = candidateIds.at(i, j);
        items[i * w + 1 + j] = id < 0 ? pos[i] : id;
      }
    }
    return scoreWithTeacher(q, ts, items, w, bm);
  }

  private NDArray listTeacher(long[] q, long[] ts, long[] listItems, int len, NDManager bm) {
    return scoreWithTeacher(q, ts, listItems, len, bm);
  }

  /**
   * The teacher's scores, detached: the student's loss never reaches the teacher's weights. (The
   * teacher's forward is recorded by autograd like any op inside the step's collector, but nothing
   * connects it to the loss after {@code stopGradient}; its saved tensors go with the batch.)
   */
  private NDArray scoreWithTeacher(long[] q, long[] ts, long[] items, int w, NDManager bm) {
    Forward tf = Forward.inference(bm);
    TowerOutput tq = teacher.queryTower().encode(batches.build(Side.QUERY, q, ts, bm), tf);
    TowerOutput ti = teacher.itemTower().encode(batches.build(Side.ITEM, items, FeatureBatches.perRow(ts, w), bm), tf);
    return teacher.interaction().scorePaired(tq, ti, w, tf).stopGradient(); // [B, w]
  }

  /** Builds a {@link TrainStep}. */
  public static final class Builder {
    private final Model model;
    private final Split split;
    private Sampler sampler;
    private Loss loss;
    private TrainingRows rows;
    private FeatureBatches batches;
    private SamplerContext samplerContext;
    private Model teacher;
    private ListSource lists;
    private boolean ipw;
    private double ipwClip = 0.05;

    private Builder(Model model, Split split) {
      this.model = model;
      this.split = split;
    }

    public Builder setLoss(Loss v) {
      loss = v;
      return this;
    }

    /** The row mode; default: the first of the loss's {@link Loss#rows()} the split can feed. */
    public Builder optRows(TrainingRows v) {
      rows = v;
      return this;
    }

    public Builder optSampler(Sampler v, SamplerContext ctx) {
      sampler = v;
      samplerContext = ctx;
      return this;
    }

    public Builder optBatches(FeatureBatches v) {
      batches = v;
      return this;
    }

    /** A teacher whose detached scores fill {@code teacher} (rows) or {@code listTeacher} (lists). */
    public Builder optTeacher(Model v) {
      teacher = v;
      return this;
    }

    public Builder optLists(ListSource v) {
      lists = v;
      return this;
    }

    /** Weights each row by {@code 1 / max(propensity, clip)}. */
    public Builder optIpw(boolean on, double clip) {
      ipw = on;
      ipwClip = clip;
      return this;
    }

    public TrainStep build() {
      if (loss == null) {
        throw new IllegalStateException("a training step needs a loss");
      }
      if (rows == null) {
        rows = RowModes.resolve(loss, split, null, "loss");
      }
      return new TrainStep(this);
    }
  }
}

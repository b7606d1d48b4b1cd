package org.towerlab.modules.dat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Tensors;

/**
 * A tower of the Dual Augmented Two-tower model (Yu, Wang, Feng, Xue, "A Dual Augmented Two-tower
 * Model for Online Large-scale Recommendation", DLP-KDD 2021).
 *
 * <pre>
 *   a = A[id]                                   [N, d_a]   ID-keyed augmented vector (trainable)
 *   z = [e_1 || .. || e_n || a]                 [N, F*d + d_a]
 *   h = MLP(z),  p = h / ||h||                  [N, D]
 * </pre>
 *
 * <p>As a {@link Coupling} it adds the Adaptive-Mimic loss of the batch's pairs, on positives only,
 * with the other tower's output frozen:
 * {@code loss_u = lambda_u / T * sum_i y_i ||a_u,i - sg(p_v,i)||^2} (aux term {@code dat-mimic-query};
 * the item tower's is {@code dat-mimic-item}). The gradient of that term reaches the augmented
 * vectors only; they also get gradient from the main loss as tower inputs. On the item side, with
 * {@code cal-weight > 0}, every training forward adds the {@link CategoryAlignment Category
 * Alignment Loss} of the encoded items ({@code dat-cal}), whose gradient flows into the item tower.
 *
 * <p>Outputs: {@code embedding} is {@code p} and {@code extras("augmented")} is {@code a}, both on
 * the forward pass's manager.
 */
public final class DatTower implements Tower, Coupling {
  /** The {@link TowerOutput#extras()} key of the augmented vector {@code a}. */
  public static final String AUGMENTED = "augmented";
  /** The aux loss name of the Category Alignment Loss. */
  public static final String CAL_LOSS = "dat-cal";

  private final DatTowerConfig config;
  private final String path;
  private FieldEncoder fields;
  private EmbeddingTable augment;
  private Mlp mlp;
  private String mimicName;
  private int[] itemCategory;

  public DatTower(DatTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public DatTowerConfig config() {
    return config;
  }

  /** The aux loss name of this tower's mimic loss: {@code dat-mimic-query} or {@code dat-mimic-item}. */
  public String mimicLossName() {
    return mimicName;
  }

  @Override
  public void initialize(InitContext ctx) {
    Side side = ctx.side();
    if (config.calWeight() > 0 && side != Side.ITEM) {
      throw new UserException("The Category Alignment Loss groups items by category, but " + path
          + ".cal-weight is " + config.calWeight() + " on the " + side.name().toLowerCase()
          + " tower. Set cal-weight on the item tower only and leave it out (0) here.");
    }
    if (config.calWeight() > 0 && ctx.dataset().itemCategory() == null) {
      throw new UserException("The data set '" + ctx.dataset().name() + "' has no item categories, so the"
          + " Category Alignment Loss asked for by " + path + ".cal-weight = " + config.calWeight()
          + " cannot be computed. Set cal-weight: 0 (CAL off) or use a data source with item categories"
          + " (for csv sources: item-category-field).");
    }
    fields = new FieldEncoder(ctx, config.fields(), config.embeddingDim(), config.initStd(), path);
    if (config.augmentDim() > 0) {
      int rows = side == Side.QUERY ? ctx.dataset().numQueries() : ctx.dataset().numItems();
      augment = new EmbeddingTable(ctx.params(), "augment", rows, config.augmentDim(), config.initStd());
    }
    List<Integer> widths = new ArrayList<>();
    widths.add(fields.width() + config.augmentDim());
    widths.addAll(config.hidden());
    widths.add(config.outputDim());
    mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
    mimicName = "dat-mimic-" + side.name().toLowerCase();
    itemCategory = side == Side.ITEM ? ctx.dataset().itemCategory() : null;
  }

  @Override
  public long outputDim() {
    return config.outputDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray e = fields.encode(features); // [N, F*d]
    NDArray a = augment == null ? null : augment.lookup(features.idTensor()); // [N, d_a]
    NDArray z = a == null ? e : NDArrays.concat(new NDList(e, a), 1); // [N, F*d + d_a]
    NDArray h = mlp.forward(z, fwd); // [N, D]
    NDArray p = config.normalize() ? normalize(h, fwd) : h; // [N, D]
    if (fwd.training() && config.calWeight() > 0) {
      long[] ids = features.ids();
      int[] categories = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        categories[i] = itemCategory[Math.toIntExact(ids[i])];
      }
      NDArray cal = CategoryAlignment.loss(p, categories, fwd.manager()); // []
      fwd.addAuxLoss(CAL_LOSS, cal.mul(Tensors.scalar(fwd.manager(), config.calWeight().floatValue())));
    }
    return new TowerOutput(p, null, null, null, a == null ? Map.of() : Map.of(AUGMENTED, a));
  }

  /** {@code h / sqrt(||h||^2 + 1e-12)}, differentiable also at zero. */
  private static NDArray normalize(NDArray h, Forward fwd) {
    NDArray norm = h.square().sum(new int[] {-1}, true).add(Tensors.scalar(fwd.manager(), 1e-12f)).sqrt(); // [N, 1]
    return h.div(norm); // [N, D]
  }

  /**
   * Adds {@code mimic-weight / B * sum_i y_i ||a_i - sg(other_i)||^2} for the batch's B pairs, where
   * {@code y} is the pair label {@code config.label()}. Rows with {@code y = 0} contribute nothing,
   * not even gradient; the other tower receives no gradient from this term.
   */
  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    couple(pairs.self(), pairs.other(), pairs.labels(), fwd);
  }

  /** The coupling on (self, other) rows with their labels. */
  public void couple(TowerOutput self, TowerOutput other, Map<String, NDArray> labels, Forward fwd) {
    if (config.mimicWeight() == 0 || !fwd.training()) {
      return;
    }
    NDArray a = self.extras().get(AUGMENTED); // [B, d_a]
    if (a == null) {
      throw new IllegalStateException("the output passed to " + path + " as its own has no '" + AUGMENTED
          + "' vector; was it produced by this tower?");
    }
    NDArray target = other.embedding().stopGradient(); // [B, D], frozen: only a learns from this term
    if (target.getShape().get(1) != a.getShape().get(1)) {
      throw new UserException("The Adaptive-Mimic loss of " + path + " makes its augmented vector (augment-dim "
          + a.getShape().get(1) + ") mimic the other tower's output (width " + target.getShape().get(1)
          + "); the two widths must be equal. Set " + path + ".augment-dim to " + target.getShape().get(1)
          + " or change the other tower's output-dim.");
    }
    NDArray y = labels.get(config.label()); // [B]
    if (y == null) {
      throw new UserException("The Adaptive-Mimic loss of " + path + " reads the pair label '" + config.label()
          + "' (" + path + ".label), but the training rows carry " + labels.keySet()
          + ". Set label to one of them (a 0/1 label; 'positive' for implicit feedback).");
    }
    NDArray perRow = a.sub(target).square().sum(new int[] {1}); // [B]
    NDArray loss = perRow.mul(y).mean(); // [], (1/T) sum_i y_i ||a_i - sg(p_i)||^2
    fwd.addAuxLoss(mimicName, loss.mul(Tensors.scalar(fwd.manager(), config.mimicWeight().floatValue())));
  }
}

package org.towerlab.modules.longretriever;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;

/**
 * LongRetriever's user tower (Ren et al., "LongRetriever: Towards Ultra-Long Sequence based
 * Candidate Retrieval for Recommendation", arXiv 2508.15486, 2025): one vector per item-category
 * context,
 *
 * <pre>
 * e_u^c = MLP([ mean_{j in S_u^c} E_item[j] ; E_cat[c] ; P_u ])
 * </pre>
 *
 * where {@code S_u^c} is the context's sub-sequence of a by-category sequence field (the user's
 * most recent L training positives of category {@code c} before the example,
 * {@link FieldSpec.ByCategory}), {@code E_cat[c]} the context's category embedding (optional) and
 * {@code P_u} the profile fields, shared by every context. Input {@code [N, K, L]} (a training
 * batch has K = 1, the target's category; an evaluation batch the K selected categories), output
 * {@code heads [N, K, D]}, {@code embedding [N, D]} = the first context's vector (in training the
 * target category's), and the extra {@value #CONTEXT_CATEGORY} {@code [N, K]} int64 = each context's
 * category + 1, 0 for an empty slot (the user engaged fewer categories), which
 * {@link MultiContextInteraction} reads to route and merge the retrievals. All parameters are
 * shared across contexts, so training on one context per example costs what a single-vector tower
 * costs.
 *
 * <p>Over a flat sequence field ({@code [N, L]}: the recent-L baseline) the same tower gives one
 * context, no category and no {@value #CONTEXT_CATEGORY} extra. The mean pooling is our choice; the
 * paper's sequence encoder was not available [I].
 */
public final class LongRetrieverTower implements Tower {
  /** The extra holding each context's category + 1 ({@code [N, K]} int64; 0 = empty slot). */
  public static final String CONTEXT_CATEGORY = "context-category";

  private final LongRetrieverTowerConfig config;
  private final String path;
  private FieldSpec sequence;
  private EmbeddingTable items;
  private EmbeddingTable categories;
  private FieldEncoder profile;
  private Mlp mlp;

  public LongRetrieverTower(LongRetrieverTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    if (ctx.side() != Side.QUERY) {
      throw new UserException("The longretriever tower at " + path + " encodes users from their behaviour sequence;"
          + " it cannot be the item tower. Use another tower (mlp) as the item tower.");
    }
    sequence = sequenceField(ctx);
    int d = config.embeddingDim();
    items = new EmbeddingTable(ctx.params(), "emb." + sequence.name(), sequence.cardinality() + 1, d, config.initStd());
    int in = d;
    if (sequence.isByCategory() && config.categoryEmbedding()) {
      int numCategories = 0;
      for (int c : ctx.dataset().itemCategory()) {
        numCategories = Math.max(numCategories, c + 1);
      }
      categories = new EmbeddingTable(ctx.params(), "emb.context-category", numCategories + 1, d, config.initStd());
      in += d;
    }
    if (!config.fields().isEmpty()) {
      profile = new FieldEncoder(ctx, config.fields(), d, config.initStd(), path);
      in += profile.width();
    }
    List<Integer> widths = new ArrayList<>();
    widths.add(in);
    widths.addAll(config.hidden());
    widths.add(config.outputDim());
    mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
  }

  private FieldSpec sequenceField(InitContext ctx) {
    List<FieldSpec> side = ctx.dataset().schema().side(Side.QUERY);
    List<FieldSpec> sequences = side.stream().filter(f -> f.kind() == FieldKind.SEQUENCE).toList();
    if (config.sequence() != null) {
      return sequences.stream().filter(f -> f.name().equals(config.sequence())).findFirst().orElseThrow(() ->
          new UserException("Unknown query sequence field '" + config.sequence() + "' at " + path + ".sequence. The"
              + " data set '" + ctx.dataset().name() + "' has the sequence fields "
              + sequences.stream().map(FieldSpec::name).toList() + (sequences.isEmpty()
                  ? " (none: turn on the data source's history, e.g. data.history: {length: 50} on the simulator)"
                  : "") + "."));
    }
    List<FieldSpec> byCategory = sequences.stream().filter(FieldSpec::isByCategory).toList();
    List<FieldSpec> candidates = byCategory.isEmpty() ? sequences : byCategory;
    if (candidates.size() != 1) {
      throw new UserException("Set " + path + ".sequence: the data set '" + ctx.dataset().name() + "' has "
          + (candidates.isEmpty() ? "no query sequence field (turn on the data source's history, e.g. data.history:"
              + " {length: 50} on the simulator)" : "the sequence fields " + candidates.stream().map(FieldSpec::name)
              .toList() + ", and the tower reads one") + ".");
    }
    return candidates.get(0);
  }

  @Override
  public long outputDim() {
    return config.outputDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray x = features.field(sequence.name()); // [N, K, L] or [N, L]
    if (x.getShape().dimension() == 2) {
      x = x.expandDims(1); // [N, 1, L]
    }
    long n = x.getShape().get(0);
    long k = x.getShape().get(1);
    long len = x.getShape().get(2);
    NDList parts = new NDList();
    parts.add(items.meanPool(x.reshape(n * k, len))); // [N*K, d]
    NDArray contextCategory = sequence.isByCategory()
        ? features.field(FieldSpec.categoryField(sequence.name())) : null; // [N, K] int64
    if (categories != null) {
      parts.add(categories.lookup(contextCategory.reshape(n * k))); // [N*K, d]
    }
    if (profile != null) {
      NDArray p = profile.encode(features); // [N, P]
      parts.add(p.expandDims(1).repeat(1, k).reshape(n * k, p.getShape().get(1))); // [N*K, P]
    }
    NDArray h = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [N*K, in]
    NDArray heads = mlp.forward(h, fwd).reshape(n, k, config.outputDim()); // [N, K, D]
    NDArray embedding = heads.get(":, 0, :"); // [N, D]
    return new TowerOutput(embedding, heads, null, null,
        contextCategory == null ? Map.of() : Map.of(CONTEXT_CATEGORY, contextCategory));
  }
}

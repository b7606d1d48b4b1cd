package org.towerlab.modules.poly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Tensors;

/**
 * The context side of a Poly-encoder (Humeau, Shuster, Lachaux and Weston, "Poly-encoders:
 * Architectures and Pre-training Strategies for Fast and Accurate Multi-sentence Scoring", ICLR
 * 2020, arXiv 1905.01969): m learned codes attend over the context's token outputs and give m
 * global context vectors.
 *
 * <pre>
 * H  = T_ctxt(tokens)                        [N, T, D]   token outputs (this tower: embeddings + MLP)
 * mask                                       [N, T]      1 for a real token, 0 for padding
 * A  = softmax_T(c H^T (/ sqrt D)), pad = 0  [N, m, T]   one attention per code c_j (codes [m, D])
 * Y  = A H                                   [N, m, D]   the m context vectors
 * </pre>
 *
 * Tokens: a categorical field is one token (its embedding), a dense field one token (a linear
 * projection), a multi-categorical field one token per element and a sequence field (the behaviour
 * history, {@link FieldKind#SEQUENCE}) one token per element plus, with {@code positions}, a learned
 * recency embedding (0 = most recent; counted from the right, so the left padding of sequences
 * never shifts it). Padding ids (0) are masked: their attention weight is exactly 0, so appending
 * pad tokens changes nothing, and a context made only of padding gives zero context vectors. Each
 * token embedding goes through a position-wise MLP to width D ({@code token-hidden}).
 *
 * <p>Output: {@code heads} = Y {@code [N, m, D]} (what {@link PolyInteraction} scores);
 * {@code embedding} = the mean of the m context vectors {@code [N, D]} (the score under a uniform
 * candidate attention; what is exported). The tower reads only its own side: the candidate side
 * stays precomputable.
 *
 * <p>Where this differs from the paper: the paper's T_ctxt is a 12-layer transformer (BERT-base or
 * pre-trained on Reddit) over word pieces; here the tokens are the side's feature embeddings and a
 * position-wise MLP, with no self-attention between tokens. The poly attention (codes, then the
 * candidate attention in {@link PolyInteraction}) is the paper's.
 */
public final class PolyTower implements Tower {
  /** Subtracted from the logits of padding before the softmax (exp underflows to exactly 0). */
  private static final float PAD_PENALTY = 1e9f;

  private final PolyTowerConfig config;
  private final String path;
  private final List<FieldSpec> used = new ArrayList<>();
  private final List<Object> encoders = new ArrayList<>();
  private final List<EmbeddingTable> positions = new ArrayList<>(); // per used field; null if none
  private Mlp tokenMlp; // null: token embeddings are the token outputs
  private NDArray codes; // [m, D]

  /**
   * The code attention of a batch.
   *
   * @param weights A {@code [N, m, T]}: row (n, j) sums to 1 over the real tokens of n (0 for a
   *     context without any) and is exactly 0 on padding
   * @param mask 1 for a real token, 0 for padding {@code [N, T]}
   * @param contexts Y = A H {@code [N, m, D]}
   */
  public record CodeAttention(NDArray weights, NDArray mask, NDArray contexts) {}

  public PolyTower(PolyTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public PolyTowerConfig config() {
    return config;
  }

  @Override
  public void initialize(InitContext ctx) {
    used.clear();
    encoders.clear();
    positions.clear();
    tokenMlp = null;
    int e = config.embeddingDim();
    double std = config.initStd();
    List<FieldSpec> side = ctx.dataset().schema().side(ctx.side());
    List<String> names = config.fields() == null ? side.stream().map(FieldSpec::name).toList() : config.fields();
    for (String name : names) {
      FieldSpec f = side.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new UserException(
          "Unknown " + ctx.side().name().toLowerCase() + " field '" + name + "' at " + path + ".fields. The data set '"
              + ctx.dataset().name() + "' has " + side.stream().map(FieldSpec::name).toList() + "."));
      used.add(f);
      encoders.add(switch (f.kind()) {
        case CATEGORICAL -> new EmbeddingTable(ctx.params(), "emb." + f.name(), f.cardinality(), e, std);
        case MULTI_CATEGORICAL, SEQUENCE ->
            new EmbeddingTable(ctx.params(), "emb." + f.name(), f.cardinality() + 1, e, std);
        case DENSE, PAIR -> new Linear(ctx.params(), "proj." + f.name(), f.dim(), e, true);
      });
      positions.add(f.kind() == FieldKind.SEQUENCE && config.positions()
          ? new EmbeddingTable(ctx.params(), "pos." + f.name(), f.maxLength(), e, std) : null);
    }
    int d = config.outputDim();
    if (e != d || !config.tokenHidden().isEmpty()) {
      List<Integer> widths = new ArrayList<>();
      widths.add(e);
      widths.addAll(config.tokenHidden());
      widths.add(d);
      tokenMlp = new Mlp(ctx.params(), "token-mlp", widths, config.dropout());
    }
    // ParlAI: codes = torch.nn.init.uniform_(torch.empty(n_codes, embed_dim)), i.e. U(0, 1)
    codes = ctx.params().create("codes", new Shape(config.codes(), d), (shape, rng) -> {
      float[] v = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rng.nextDouble();
      }
      return v;
    });
  }

  @Override
  public long outputDim() {
    return config.outputDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    CodeAttention a = codeAttention(features, fwd);
    NDArray y = a.contexts(); // [N, m, D]
    if (fwd.training()) {
      NDArray w = a.weights().stopGradient(); // [N, m, T]
      NDArray entropy = w.mul(w.add(1e-12f).log()).sum(new int[] {2}).neg().mean(); // []
      fwd.logMetric("poly-code-entropy", entropy);
    }
    return new TowerOutput(y.mean(new int[] {1}), y, null, null, Map.of()); // [N, D], [N, m, D]
  }

  /** The token outputs H {@code [N, T, D]} and their mask {@code [N, T]}, in field order. */
  NDArray[] tokens(FeatureBatch features, Forward fwd) {
    NDManager m = fwd.manager();
    int n = features.size();
    NDList parts = new NDList();
    NDList masks = new NDList();
    for (int i = 0; i < used.size(); i++) {
      FieldSpec f = used.get(i);
      NDArray x = features.field(f.name());
      Object enc = encoders.get(i);
      switch (f.kind()) {
        case CATEGORICAL -> {
          parts.add(((EmbeddingTable) enc).lookup(x).expandDims(1)); // [N, 1, e]
          masks.add(m.ones(new Shape(n, 1))); // [N, 1]
        }
        case DENSE -> {
          parts.add(((Linear) enc).forward(x).expandDims(1)); // [N, 1, e]
          masks.add(m.ones(new Shape(n, 1))); // [N, 1]
        }
        case PAIR -> { // engagement counts per key value, as FieldEncoder: log(1 + counts) projected
          parts.add(((Linear) enc).forward(x.add(1f).log()).expandDims(1)); // [N, K] -> [N, 1, e]
          masks.add(m.ones(new Shape(n, 1))); // [N, 1]
        }
        case MULTI_CATEGORICAL, SEQUENCE -> {
          NDArray tok = ((EmbeddingTable) enc).lookup(x); // [N, L, e]
          EmbeddingTable pos = positions.get(i);
          if (pos != null) {
            tok = tok.add(pos.lookup(recency(x.getShape().get(1), f.maxLength(), m))); // [N, L, e] + [L, e]
          }
          parts.add(tok);
          masks.add(x.gt(0).toType(DataType.FLOAT32, false)); // [N, L]
        }
      }
    }
    NDArray h = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [N, T, e]
    NDArray mask = masks.size() == 1 ? masks.get(0) : NDArrays.concat(masks, 1); // [N, T]
    if (tokenMlp != null) {
      long t = h.getShape().get(1);
      h = tokenMlp.forward(h.reshape(n * t, config.embeddingDim()), fwd).reshape(n, t, config.outputDim()); // [N, T, D]
    }
    return new NDArray[] {h, mask};
  }

  /**
   * Recency index of each column of a left-padded sequence of {@code len} columns: the last column
   * is 0. Columns further left than the table holds (only padding) take the last row; they are
   * masked anyway.
   */
  private static NDArray recency(long len, int tableRows, NDManager m) {
    long[] idx = new long[Math.toIntExact(len)];
    for (int j = 0; j < idx.length; j++) {
      idx[j] = Math.min(len - 1 - j, tableRows - 1);
    }
    return Tensors.create(m, idx); // [L]
  }

  /** The code attention A, the mask and the context vectors Y of a batch (see the class comment). */
  public CodeAttention codeAttention(FeatureBatch features, Forward fwd) {
    NDManager m = fwd.manager();
    NDArray[] t = tokens(features, fwd);
    NDArray h = t[0]; // [N, T, D]
    NDArray mask = t[1]; // [N, T]
    NDArray c = Tensors.scalar(m, 0f).add(codes); // [m, D], on the batch manager
    NDArray logits = h.matMul(c.transpose()).transpose(0, 2, 1); // [N, m, T]
    if ("sqrt".equals(config.codeAttention())) {
      logits = logits.div(Tensors.scalar(m, (float) Math.sqrt(config.outputDim())));
    }
    NDArray keep = mask.expandDims(1); // [N, 1, T]
    NDArray a = logits.add(keep.sub(1f).mul(PAD_PENALTY)) // padding at -1e9 (the mask needs no gradient)
        .softmax(2).mul(keep); // [N, m, T], exactly 0 on padding
    NDArray y = a.batchMatMul(h); // [N, m, D]
    return new CodeAttention(a, mask, y);
  }
}

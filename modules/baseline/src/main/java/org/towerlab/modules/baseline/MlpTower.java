package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Mlp;

/**
 * Embedding + MLP tower (the DSSM/YouTube-DNN family). Each field becomes a vector of width
 * {@code embeddingDim}: categorical fields by lookup, multi-categorical and sequence fields by the
 * mean of their ids' embeddings (padding excluded), dense fields by a linear projection. The
 * vectors are concatenated ({@code [N, F * embeddingDim]}) and fed through an MLP to
 * {@code [N, outputDim]}. With the single field {@code id}, no hidden layer and
 * {@code embeddingDim == outputDim} the tower is the bare id embedding: two such towers are matrix
 * factorization.
 */
public final class MlpTower implements Tower {
  private final MlpTowerConfig config;
  private final String path;
  private final List<FieldSpec> used = new ArrayList<>();
  private final List<Object> encoders = new ArrayList<>();
  private Mlp mlp;

  public MlpTower(MlpTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    List<FieldSpec> side = ctx.dataset().schema().side(ctx.side());
    List<String> names = config.fields() == null ? side.stream().map(FieldSpec::name).toList() : config.fields();
    for (String name : names) {
      FieldSpec f = side.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new UserException(
          "Unknown " + ctx.side().name().toLowerCase() + " field '" + name + "' at " + path + ".fields. The data set '"
              + ctx.dataset().name() + "' has " + side.stream().map(FieldSpec::name).toList() + "."));
      used.add(f);
      int d = config.embeddingDim();
      encoders.add(switch (f.kind()) {
        case CATEGORICAL -> new EmbeddingTable(ctx.params(), "emb." + f.name(), f.cardinality(), d, config.initStd());
        case MULTI_CATEGORICAL, SEQUENCE ->
            new EmbeddingTable(ctx.params(), "emb." + f.name(), f.cardinality() + 1, d, config.initStd());
        case DENSE -> new Linear(ctx.params(), "proj." + f.name(), f.dim(), d, true);
      });
    }
    int in = used.size() * config.embeddingDim();
    boolean bare = used.size() == 1 && config.hidden().isEmpty() && in == config.outputDim();
    if (!bare) {
      List<Integer> widths = new ArrayList<>();
      widths.add(in);
      widths.addAll(config.hidden());
      widths.add(config.outputDim());
      mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
    }
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDList parts = new NDList();
    for (int i = 0; i < used.size(); i++) {
      FieldSpec f = used.get(i);
      NDArray x = features.field(f.name());
      Object enc = encoders.get(i);
      parts.add(switch (f.kind()) {
        case CATEGORICAL -> ((EmbeddingTable) enc).lookup(x); // [N, d]
        case MULTI_CATEGORICAL, SEQUENCE -> ((EmbeddingTable) enc).meanPool(x); // [N, d]
        case DENSE -> ((Linear) enc).forward(x); // [N, d]
      });
    }
    NDArray h = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [N, F*d]
    NDArray out = mlp == null ? h : mlp.forward(h, fwd); // [N, outputDim]
    return TowerOutput.of(out);
  }
}

package org.towerlab.modules.ebr;

import ai.djl.ndarray.NDArray;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.ItemFrequency;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.SamplerContext;

/** Hand-built data, contexts and a bare id-embedding tower for the EBR tests. */
final class Fixtures {
  private Fixtures() {}

  /** A split whose training log is {@code (queries[r], items[r])}, ids only on both sides. */
  static Split split(int numQueries, int numItems, int[] queries, int[] items) {
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, numQueries),
        FieldSpec.categorical("id", Side.ITEM, numItems)));
    InteractionLog log = new InteractionLog(queries, items, new long[queries.length], Map.of(), null, null, null);
    InteractionLog empty = new InteractionLog(new int[0], new int[0], new long[0], Map.of(), null, null, null);
    Dataset ds = new Dataset("tiny", QueryKind.USER, schema, FeatureTable.builder(Side.QUERY, numQueries).build(),
        FeatureTable.builder(Side.ITEM, numItems).build(), log, null, null, null);
    return new Split("hand", Map.of(), ds, log, empty, empty, null);
  }

  /** A sampler context over {@code numItems} items with the given known (query, item) positives. */
  static SamplerContext context(int numItems, Set<Long> knownPairs, ItemIndex index) {
    return new SamplerContext() {
      public Split split() {
        return null;
      }

      public int numItems() {
        return numItems;
      }

      public ItemFrequency frequency() {
        throw new UnsupportedOperationException("not used by the EBR samplers");
      }

      public boolean isKnownPositive(long query, long item) {
        return knownPairs.contains(pair(query, item));
      }

      public InteractionLog shownNegatives() {
        return null;
      }

      public ItemIndex index() {
        return index;
      }
    };
  }

  static long pair(long query, long item) {
    return query * 1_000_003L + item;
  }

  /** Known pairs of a training log. */
  static Set<Long> known(int[] queries, int[] items) {
    Set<Long> s = new HashSet<>();
    for (int r = 0; r < queries.length; r++) {
      s.add(pair(queries[r], items[r]));
    }
    return s;
  }

  /** An index whose ranking comes from a function of (query, rank) and counts refreshes and calls. */
  static final class FixedIndex implements ItemIndex {
    final BiFunction<Long, Integer, Long> itemAtRank;
    int refreshes;
    int rankedCalls;

    FixedIndex(BiFunction<Long, Integer, Long> itemAtRank) {
      this.itemAtRank = itemAtRank;
    }

    public void refresh() {
      refreshes++;
    }

    public int version() {
      return refreshes;
    }

    public long[][] ranked(long[] queries, int from, int to) {
      rankedCalls++;
      long[][] out = new long[queries.length][to - from];
      for (int i = 0; i < queries.length; i++) {
        for (int r = from; r < to; r++) {
          out[i][r - from] = itemAtRank.apply(queries[i], r);
        }
      }
      return out;
    }
  }

  /** The id-embedding tower (matrix factorization side) built on the api's FieldEncoder. */
  static final class IdTower implements Tower {
    private final int dim;
    FieldEncoder encoder;

    IdTower(int dim) {
      this.dim = dim;
    }

    public void initialize(InitContext ctx) {
      encoder = new FieldEncoder(ctx, List.of("id"), dim, 0.5, "model.tower");
    }

    public TowerOutput encode(FeatureBatch features, Forward fwd) {
      return TowerOutput.of(encoder.encode(features)); // [N, dim]
    }
  }

  static FeatureBatch batch(Side side, long[] ids, Forward fwd) {
    return new FeatureBatch(side, ids, Tensors.create(fwd.manager(), ids), Map.of());
  }

  /** Row-normalized {@code x [N, D]}. */
  static NDArray normalize(NDArray x) {
    return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt()); // [N, D]
  }

  /** Cosine of all pairs, {@code [B, M]}. */
  static NDArray cosineAll(NDArray q, NDArray v) {
    return normalize(q).matMul(normalize(v).transpose()); // [B, M]
  }

  /** Cosine of row b against rows {@code [bK, (b+1)K)}, {@code [B, K]}. */
  static NDArray cosinePaired(NDArray q, NDArray v, int k) {
    long b = q.getShape().get(0);
    long d = q.getShape().get(1);
    NDArray vv = normalize(v).reshape(b, k, d); // [B, K, D]
    return vv.mul(normalize(q).expandDims(1)).sum(new int[] {2}); // [B, K]
  }
}

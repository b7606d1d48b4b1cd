package org.towerlab.api.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * Each contract check can fail: a component with one planted defect fails exactly the check meant
 * to catch it, while the reference components pass (their own tests extend the contracts).
 */
class ContractsTest {

  private static void fails(ThrowingCallable check) {
    assertThatThrownBy(check).isInstanceOf(AssertionError.class);
  }

  // ---- towers ----

  /** The reference tower with one defect switched on. */
  private static final class BrokenTower implements Tower {
    final String defect;
    final KitTower inner = KitTower.allFields(4);
    NDArray unused;
    NDArray scale;
    long calls;

    BrokenTower(String defect) {
      this.defect = defect;
    }

    @Override
    public void initialize(InitContext ctx) {
      inner.initialize(ctx);
      unused = ctx.params().create("unused", new Shape(3), Init.normal(0.1));
      scale = ctx.params().create("scale", new Shape(1), Init.normal(1.0));
    }

    @Override
    public TowerOutput encode(FeatureBatch features, Forward fwd) {
      NDArray e = inner.encode(features, fwd).embedding().mul(scale.toDevice(scale.getDevice(), false)); // [N, 4]
      e = switch (defect) {
        case "shape" -> e.get("1:");
        case "noise" -> e.add(++calls);
        case "batch-mean" -> e.sub(e.mean(new int[] {0}, true));
        case "leak" -> scale.mul(e);
        default -> e;
      };
      if (!defect.equals("unused")) {
        e = e.add(unused.sum().mul(0f).add(unused.sum())); // uses every parameter
      }
      return TowerOutput.of(e);
    }
  }

  private static TowerContract towerContract(String defect) {
    return new TowerContract() {
      @Override
      protected Tower newTower(Side side) {
        return new BrokenTower(defect);
      }
    };
  }

  @Test
  void towerContract_plantedDefects_eachCaughtByItsCheck() {
    assertThatCode(() -> towerContract("none").backward_outputsAndAuxTerms_finiteGradientToEveryParameter())
        .doesNotThrowAnyException();
    fails(() -> towerContract("shape").encode_anyBatch_outputsHaveOneRowPerEntityAndAreFinite());
    fails(() -> towerContract("noise").encode_inferenceTwice_sameOutputs());
    fails(() -> towerContract("batch-mean").encode_differentBatchSizes_sameRowsWithinTolerance());
    fails(() -> towerContract("unused").backward_outputsAndAuxTerms_finiteGradientToEveryParameter());
    fails(() -> towerContract("leak").encode_batchManagerClosed_noArrayLeftOnTheParametersManager());
  }

  // ---- interactions ----

  private static InteractionContract interactionContract(String defect) {
    return new InteractionContract() {
      @Override
      protected Interaction newInteraction() {
        KitDotInteraction dot = new KitDotInteraction(1.0);
        return new Interaction() {
          @Override
          public NDArray scoreAll(TowerOutput q, TowerOutput items, Forward fwd) {
            NDArray s = dot.scoreAll(q, items, fwd); // [B, M]
            return switch (defect) {
              case "item-softmax" -> s.softmax(1);
              case "query-mean" -> s.sub(s.mean(new int[] {0}, true));
              case "nan" -> s.div(0f).mul(0f);
              default -> s;
            };
          }

          @Override
          public NDArray scorePaired(TowerOutput q, TowerOutput items, int k, Forward fwd) {
            NDArray s = dot.scorePaired(q, items, k, fwd);
            return defect.equals("paired") ? s.flip(1) : s;
          }

          @Override
          public boolean itemSidePrecomputable() {
            return true;
          }

          @Override
          public long flopsPerPair(long dim) {
            return defect.equals("flops") ? 0 : 2 * dim;
          }
        };
      }
    };
  }

  @Test
  void interactionContract_plantedDefects_eachCaughtByItsCheck() {
    assertThatCode(() -> interactionContract("none").scoreAll_itemsInBlocks_sameScoresAsOneBlock())
        .doesNotThrowAnyException();
    fails(() -> interactionContract("nan").scoreAllAndScorePaired_shapesAreBbyMandBbyK());
    fails(() -> interactionContract("paired").scorePaired_kItemsPerQuery_equalsTheMatchingEntriesOfScoreAll());
    fails(() -> interactionContract("item-softmax").scoreAll_itemsInBlocks_sameScoresAsOneBlock());
    fails(() -> interactionContract("flops").flopsPerPair_afterScoring_positive());
    fails(() -> interactionContract("query-mean").scoreAll_precomputableItemSide_scoresDoNotDependOnTheOtherQueries());
  }

  // ---- samplers ----

  private static final AtomicLong GLOBAL = new AtomicLong();

  private static SamplerContract samplerContract(String defect) {
    return new SamplerContract() {
      @Override
      protected Sampler newSampler() {
        return new BrokenSampler(defect);
      }

      @Override
      protected boolean excludesKnownPositives() {
        return true;
      }
    };
  }

  /** Per-query uniform draws that skip known positives, and an in-batch miner, with one defect. */
  private static final class BrokenSampler implements Sampler, InBatchMiner {
    final String defect;
    SamplerContext ctx;

    BrokenSampler(String defect) {
      this.defect = defect;
    }

    @Override
    public Negatives sample(SampleRequest r, SamplerContext ctx) {
      this.ctx = ctx;
      int b = r.batchSize();
      int n = ctx.numItems();
      long[][] ids = new long[b][2];
      float[][] lq = new float[b][2];
      boolean[][] mask = new boolean[b][2];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < 2; j++) {
          long item = defect.equals("unseeded") ? GLOBAL.incrementAndGet() % n : r.rng().nextInt(n);
          ids[i][j] = defect.equals("outside") ? n : item;
          mask[i][j] = defect.equals("known") || !ctx.isKnownPositive(r.queries()[i], item);
          lq[i][j] = defect.equals("logq") ? 0.5f : (float) Math.log(1.0 / n);
        }
      }
      return new Negatives(true, null, new long[0], null, ids, lq, defect.equals("mask-shape") ? new boolean[b][1]
          : mask);
    }

    @Override
    public int[][] mine(float[][] scores, long[] queries, long[] positives) {
      int b = positives.length;
      int[][] out = new int[b][];
      for (int i = 0; i < b; i++) {
        int best = -1;
        for (int j = 0; j < b; j++) {
          boolean ok = defect.equals("own-column") || (j != i && positives[j] != positives[i]
              && !ctx.isKnownPositive(queries[i], positives[j]));
          if (ok && (best < 0 || scores[i][j] > scores[i][best])) {
            best = j;
          }
        }
        out[i] = best < 0 ? new int[0] : new int[] {best};
      }
      return out;
    }
  }

  @Test
  void samplerContract_plantedDefects_eachCaughtByItsCheck() {
    assertThatCode(() -> samplerContract("none").sample_knownPositives_neverValidCandidates())
        .doesNotThrowAnyException();
    assertThatCode(() -> samplerContract("none").mine_diagonalHighest_neverTheOwnColumnNorTheSameItem())
        .doesNotThrowAnyException();
    fails(() -> samplerContract("unseeded").sample_sameSeed_sameNegatives());
    fails(() -> samplerContract("outside").sample_everyId_insideTheCorpus());
    fails(() -> samplerContract("mask-shape").sample_shapes_matchTheBatch());
    fails(() -> samplerContract("logq").sample_logQ_finiteAndAtMostZero());
    fails(() -> samplerContract("own-column").mine_diagonalHighest_neverTheOwnColumnNorTheSameItem());
    fails(() -> samplerContract("known").sample_knownPositives_neverValidCandidates());
  }

  // ---- losses ----

  private static LossContract lossContract(String defect) {
    return new LossContract() {
      @Override
      protected Loss newLoss() {
        KitSoftmaxLoss softmax = new KitSoftmaxLoss();
        return (in, fwd) -> switch (defect) {
          case "vector" -> in.scores().neg();
          case "no-mask" -> in.weightedMean(in.negatives().sub(in.scores().expandDims(1)).exp().sum(new int[] {1}));
          case "no-weights" -> softmax.compute(LossInput.builder(in.scores()).negatives(in.negatives(),
              in.negativeMask()).labels(in.labels()).build(), fwd);
          case "first-row" -> in.scores().get("0:1").neg().sum().add(softmax.compute(in, fwd).mul(0f));
          case "teacher-grad", "teacher" -> {
            NDArray t = in.teacher().get(":, 0"); // [B]
            NDArray target = defect.equals("teacher") ? t.stopGradient() : t;
            yield in.weightedMean(in.scores().sub(target).square()).add(softmax.compute(in, fwd));
          }
          default -> softmax.compute(in, fwd);
        };
      }

      @Override
      protected java.util.List<org.towerlab.api.loss.TrainingRows> modes() {
        return java.util.List.of(org.towerlab.api.loss.TrainingRows.POSITIVES);
      }

      @Override
      protected Set<String> stopGradients() {
        return defect.startsWith("teacher") ? Set.of("teacher") : Set.of();
      }
    };
  }

  @Test
  void lossContract_plantedDefects_eachCaughtByItsCheck() {
    assertThatCode(() -> lossContract("teacher").compute_declaredStopGradients_takePartButPassNoGradient())
        .doesNotThrowAnyException();
    fails(() -> lossContract("vector").compute_everyMode_finiteScalar());
    fails(() -> lossContract("no-mask").compute_maskedCandidatesAndListSlots_exactlyZeroGradient());
    fails(() -> lossContract("no-weights").compute_zeroWeightRow_exactlyZeroGradientForThatRow());
    fails(() -> lossContract("first-row").compute_permutedRows_sameValueAndPermutedGradients());
    fails(() -> lossContract("teacher-grad").compute_declaredStopGradients_takePartButPassNoGradient());
  }
}

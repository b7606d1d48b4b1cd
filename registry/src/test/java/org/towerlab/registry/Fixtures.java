package org.towerlab.registry;

import java.util.List;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;

/** Test-only components: small config records, factories returning {@link Built}, and modules. */
public final class Fixtures {
  private Fixtures() {}

  /** What every test factory returns: its name, config, path and one draw of its seed stream. */
  public record Built(String name, ComponentConfig config, String path, long seed, List<Built> children) {}

  public record MlpTowerConfig(List<Integer> dims, Double dropout) implements ComponentConfig.Tower {
    public MlpTowerConfig {
      dims = dims == null ? List.of(64) : List.copyOf(dims);
      dropout = dropout == null ? 0.0 : dropout;
      if (dropout < 0 || dropout >= 1) {
        throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
      }
    }
  }

  public record IdTowerConfig(Integer dim) implements ComponentConfig.Tower {
    public IdTowerConfig {
      dim = dim == null ? 32 : dim;
    }
  }

  public record DotConfig(Double temperature) implements ComponentConfig.Interaction {
    public DotConfig {
      temperature = temperature == null ? 1.0 : temperature;
    }
  }

  public record TwoTowerConfig(ComponentConfig.Tower queryTower, ComponentConfig.Tower itemTower,
      ComponentConfig.Interaction interaction) implements ComponentConfig.Model {
    public TwoTowerConfig {
      if (queryTower == null || itemTower == null) {
        throw new IllegalArgumentException("query-tower and item-tower are required, got " + queryTower
            + " and " + itemTower);
      }
      interaction = interaction == null ? new DotConfig(null) : interaction;
    }
  }

  public record HoldoutConfig(Double ratio) implements ComponentConfig.Protocol {
    public HoldoutConfig {
      ratio = ratio == null ? 0.2 : ratio;
    }
  }

  public record ToyDataConfig(String path, Integer minRating, ComponentConfig.Protocol protocol)
      implements ComponentConfig.Data {
    public ToyDataConfig {
      path = path == null ? "toy" : path;
      minRating = minRating == null ? 0 : minRating;
      protocol = protocol == null ? new HoldoutConfig(null) : protocol;
    }
  }

  public record InBatchConfig(Boolean correct) implements ComponentConfig.Sampler {
    public InBatchConfig {
      correct = correct == null ? Boolean.TRUE : correct;
    }
  }

  public record MixedConfig(Integer negatives) implements ComponentConfig.Sampler {
    public MixedConfig {
      negatives = negatives == null ? 8 : negatives;
    }
  }

  public record SoftmaxConfig(Double temperature) implements ComponentConfig.Loss {
    public SoftmaxConfig {
      temperature = temperature == null ? 0.05 : temperature;
    }
  }

  /** A loss sharing its name with a tower. */
  public record MlpLossConfig(Integer hidden) implements ComponentConfig.Loss {
    public MlpLossConfig {
      hidden = hidden == null ? 16 : hidden;
    }
  }

  public record PlainConfig(Integer epochs, Double lr) implements ComponentConfig.Trainer {
    public PlainConfig {
      epochs = epochs == null ? 1 : epochs;
      lr = lr == null ? 0.01 : lr;
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
      }
    }
  }

  public record TopkConfig(List<Integer> ks) implements ComponentConfig.Evaluator {
    public TopkConfig {
      ks = ks == null ? List.of(10) : List.copyOf(ks);
    }
  }

  public record OtherTowerConfig(Integer width) implements ComponentConfig.Tower {}

  public record LocalConfig() implements ComponentConfig.Tracker {}

  static Built leaf(String name, ComponentConfig c, BuildContext ctx) {
    return new Built(name, c, ctx.path(), ctx.seeds().stream("init." + ctx.path()).nextLong(), List.of());
  }

  /** Every component a full experiment needs. */
  public static final class CoreModule extends TowerlabModule {
    @Override
    protected void configureComponents() {
      register(Kind.TOWER, "mlp", MlpTowerConfig.class, (c, ctx) -> leaf("mlp", c, ctx), "MLP tower");
      register(Kind.TOWER, "id-only", IdTowerConfig.class, (c, ctx) -> leaf("id-only", c, ctx), "ID embedding");
      register(Kind.INTERACTION, "dot", DotConfig.class, (c, ctx) -> leaf("dot", c, ctx), "Dot product");
      register(Kind.MODEL, "two-tower", TwoTowerConfig.class, (c, ctx) -> new Built("two-tower", c, ctx.path(), 0,
          List.of(ctx.build(Kind.TOWER, c.queryTower(), "query-tower", Built.class),
              ctx.build(Kind.TOWER, c.itemTower(), "item-tower", Built.class),
              ctx.build(Kind.INTERACTION, c.interaction(), "interaction", Built.class))), "Two towers");
      register(Kind.PROTOCOL, "holdout", HoldoutConfig.class, (c, ctx) -> leaf("holdout", c, ctx), "Holdout");
      register(Kind.DATA, "toy", ToyDataConfig.class, (c, ctx) -> leaf("toy", c, ctx), "Toy data");
      register(Kind.SAMPLER, "in-batch", InBatchConfig.class, (c, ctx) -> leaf("in-batch", c, ctx), "In-batch");
      register(Kind.SAMPLER, "mixed", MixedConfig.class, (c, ctx) -> {
        if (c.negatives() > 1000) {
          throw new IllegalArgumentException("negatives too large: " + c.negatives());
        }
        return leaf("mixed", c, ctx);
      }, "Mixed");
      register(Kind.LOSS, "sampled-softmax", SoftmaxConfig.class, (c, ctx) -> leaf("sampled-softmax", c, ctx),
          "Sampled softmax");
      register(Kind.LOSS, "mlp", MlpLossConfig.class, (c, ctx) -> leaf("mlp-loss", c, ctx), "Same name as a tower");
      register(Kind.TRAINER, "plain", PlainConfig.class, (c, ctx) -> leaf("plain", c, ctx), "Plain trainer");
      register(Kind.EVALUATOR, "topk", TopkConfig.class, (c, ctx) -> leaf("topk", c, ctx), "Top-K");
      register(Kind.TRACKER, "local", LocalConfig.class, (c, ctx) -> leaf("local", c, ctx), "Local run store");
    }
  }

  /** A loss whose constructor rejects the defaults without naming a key. */
  public record StrictConfig(Double a, Double b) implements ComponentConfig.Loss {
    public StrictConfig {
      if (a == null || b == null) {
        throw new IllegalArgumentException("both weights must be given");
      }
    }
  }

  public static final class StrictModule extends TowerlabModule {
    @Override
    protected void configureComponents() {
      register(Kind.LOSS, "strict", StrictConfig.class, (c, ctx) -> leaf("strict", c, ctx), "Strict");
    }
  }

  /** Registers a second tower called {@code mlp}. */
  public static final class ClashingModule extends TowerlabModule {
    @Override
    protected void configureComponents() {
      register(Kind.TOWER, "mlp", OtherTowerConfig.class, (c, ctx) -> leaf("other", c, ctx), "Clash");
    }
  }
}

package org.towerlab.cli;

import java.lang.reflect.Proxy;
import java.util.List;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Model;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainingStrategy;
import org.towerlab.registry.TowerlabModule;

/** Test-only components for the CLI tests; factories return stubs of the API interfaces. */
final class CliFixtures {
  private CliFixtures() {}

  static <T> T stub(Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
      if (m.getName().equals("toString")) {
        return "stub " + type.getSimpleName();
      }
      if (m.isDefault()) {
        return m.getReturnType() == boolean.class ? Boolean.FALSE : null;
      }
      throw new UnsupportedOperationException(m.getName());
    }));
  }

  public record HoldoutConfig(Double ratio) implements ComponentConfig.Protocol {
    public HoldoutConfig {
      ratio = ratio == null ? 0.2 : ratio;
      if (ratio <= 0 || ratio >= 1) {
        throw new IllegalArgumentException("ratio must be in (0, 1), got " + ratio);
      }
    }
  }

  public record ToyDataConfig(Integer users, ComponentConfig.Protocol protocol) implements ComponentConfig.Data {
    public ToyDataConfig {
      users = users == null ? 10 : users;
      protocol = protocol == null ? new HoldoutConfig(null) : protocol;
    }
  }

  public record MlpTowerConfig(List<Integer> dims) implements ComponentConfig.Tower {
    public MlpTowerConfig {
      dims = dims == null ? List.of(16) : List.copyOf(dims);
    }
  }

  public record PopularConfig(Integer limit) implements ComponentConfig.Model {
    public PopularConfig {
      limit = limit == null ? 100 : limit;
    }
  }

  public record InBatchConfig() implements ComponentConfig.Sampler {}

  public record SoftmaxConfig(Double temperature) implements ComponentConfig.Loss {
    public SoftmaxConfig {
      temperature = temperature == null ? 1.0 : temperature;
    }
  }

  public record PlainConfig(Integer epochs) implements ComponentConfig.Trainer {
    public PlainConfig {
      epochs = epochs == null ? 1 : epochs;
    }
  }

  public record TopkConfig(List<Integer> ks) implements ComponentConfig.Evaluator {
    public TopkConfig {
      ks = ks == null ? List.of(10) : List.copyOf(ks);
    }
  }

  public record LocalConfig() implements ComponentConfig.Tracker {}

  /** A model whose factory has a bug. */
  public record BrokenConfig() implements ComponentConfig.Model {}

  static final class Module extends TowerlabModule {
    @Override
    protected void configureComponents() {
      register(Kind.DATA, "toy", ToyDataConfig.class, (c, ctx) -> stub(DataSource.class), "Toy data");
      register(Kind.PROTOCOL, "holdout", HoldoutConfig.class, (c, ctx) -> stub(Protocol.class), "Holdout split");
      register(Kind.TOWER, "mlp", MlpTowerConfig.class, (c, ctx) -> c, "MLP tower");
      register(Kind.MODEL, "popular", PopularConfig.class, (c, ctx) -> stub(Model.class), "Most popular");
      register(Kind.MODEL, "broken", BrokenConfig.class, (c, ctx) -> {
        throw new NullPointerException("bug in the factory");
      }, "Always fails");
      register(Kind.SAMPLER, "in-batch", InBatchConfig.class, (c, ctx) -> stub(Sampler.class), "In-batch");
      register(Kind.LOSS, "sampled-softmax", SoftmaxConfig.class, (c, ctx) -> stub(Loss.class), "Softmax");
      register(Kind.TRAINER, "plain", PlainConfig.class, (c, ctx) -> stub(TrainingStrategy.class), "Plain");
      register(Kind.EVALUATOR, "topk", TopkConfig.class, (c, ctx) -> stub(Evaluator.class), "Top-K");
      register(Kind.TRACKER, "local", LocalConfig.class, (c, ctx) -> stub(Tracker.class), "Local");
    }
  }
}

package org.towerlab.spark;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.registry.TowerlabModule;

/**
 * Test-only: the {@code flaky} evaluator, which reports {@code flaky/ok = 1} and throws on its
 * second validation (the second epoch, after the first epoch's checkpoint) in the first attempt of
 * a Spark task. Outside Spark it never fails.
 */
public final class FlakyModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.EVALUATOR, "flaky", FlakyConfig.class, (c, ctx) -> new Flaky(),
        "test only: fails the first attempt of a Spark task at its second validation");
  }

  /** No options. */
  public record FlakyConfig() implements ComponentConfig.Evaluator {}

  static final class Flaky implements Evaluator {
    private int validations;

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public Evaluation evaluate(EvalContext ctx) {
      TaskContext task = TaskContext.get();
      if (ctx.part().equals("valid") && ++validations == 2 && task != null && task.attemptNumber() == 0) {
        throw new IllegalStateException("flaky: first attempt of task " + task.taskAttemptId() + " fails on purpose");
      }
      return new Evaluation(Map.of("flaky/ok", 1.0), Map.of(), new long[0]);
    }
  }
}

package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;

/** One small search (two methods x two trials, one epoch each) shared by the checks of its outputs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = Harness.SIMULATOR.replace("trainer: {type: plain, epochs: 3,",
      "trainer: {type: plain, epochs: 1,");
  private static final String METHODS = """
      grid:
        variant:
          - {name: softmax}
          - {name: narrow, model.query-tower.output-dim: 8, model.item-tower.output-dim: 8}
        seed: [7, 8]
      """;
  private static final String TUNE = """
      tune:
        trials: 2
        space:
          trainer.learning-rate: {log-uniform: [0.001, 0.05]}
        methods:
          narrow: {trainer.batch-size: [64, 256]}
      """;

  @TempDir static Path tmp;
  private List<LoadedRun> runs;
  private List<RunOutcome> outcomes;
  private String console;

  @BeforeAll
  void search() {
    runs = Harness.load(tmp.resolve("cfg"), BASE + METHODS + TUNE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      outcomes = new ExperimentRunner(Harness.REGISTRY, ps).runAll(runs, tmp.resolve("out"), false);
    }
    console = out.toString(StandardCharsets.UTF_8);
  }

  private List<Path> runDirs() throws IOException {
    try (Stream<Path> dirs = Files.list(outcomes.get(0).dir().getParent())) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static JsonNode metrics(Path dir) throws IOException {
    return JSON.readTree(dir.resolve("metrics.json").toFile());
  }

  @Test
  void trials_sameBudgetPerMethod_commonDrawsAndOwnDimensions() {
    List<Tuner.TrialSpec> specs = Tuner.trials(Harness.REGISTRY, runs);
    // 2 methods x 2 trials x 1 tuning seed (each method's first seed)
    assertThat(specs).hasSize(4);
    assertThat(specs).extracting(Tuner.TrialSpec::method).containsExactly("sim[variant=softmax]",
        "sim[variant=softmax]", "sim[variant=narrow]", "sim[variant=narrow]");
    assertThat(specs).extracting(Tuner.TrialSpec::seed).containsOnly(7L);
    // trial k draws the learning rate from the same stream for every method
    for (int k = 0; k < 2; k++) {
      assertThat(specs.get(2 + k).values().get("trainer.learning-rate"))
          .isEqualTo(specs.get(k).values().get("trainer.learning-rate"));
    }
    assertThat(specs.get(0).values().get("trainer.learning-rate"))
        .isNotEqualTo(specs.get(1).values().get("trainer.learning-rate"));
    assertThat(specs.get(0).values()).containsOnlyKeys("trainer.learning-rate");
    assertThat(specs.get(2).values()).containsOnlyKeys("trainer.learning-rate", "trainer.batch-size");
    double lr = ((Number) specs.get(0).values().get("trainer.learning-rate")).doubleValue();
    assertThat(lr).isBetween(0.001, 0.05);
    assertThat(specs.get(0).run().effective().get("trainer").get("learning-rate").asDouble()).isEqualTo(lr);
    assertThat(specs.get(0).run().config().run()).isEqualTo("sim[variant=softmax,trial=1,seed=7]");
  }

  @Test
  void trials_sameDraws_sameValuesOnEveryLoad() {
    List<Tuner.TrialSpec> again = Tuner.trials(Harness.REGISTRY, Harness.load(tmp.resolve("cfg2"), BASE + METHODS + TUNE));
    assertThat(again).extracting(Tuner.TrialSpec::values)
        .isEqualTo(Tuner.trials(Harness.REGISTRY, runs).stream().map(Tuner.TrialSpec::values).toList());
  }

  @Test
  void trials_gridSearch_everyCombinationInOrderAndRepeatsReused() {
    String grid = """
        tune:
          search: grid
          seeds: [1, 2]
          space:
            trainer.learning-rate: [0.01, 0.02]
            trainer.batch-size: [64, 128]
        """;
    List<Tuner.TrialSpec> specs = Tuner.trials(Harness.REGISTRY, Harness.load(tmp.resolve("cfg3"), BASE + grid));
    assertThat(specs).hasSize(8); // 4 combinations x 2 tuning seeds, one method
    assertThat(specs).extracting(s -> s.values().get("trainer.learning-rate") + "/" + s.values().get("trainer.batch-size")
        + "/" + s.seed()).containsExactly("0.01/64/1", "0.01/64/2", "0.01/128/1", "0.01/128/2", "0.02/64/1",
            "0.02/64/2", "0.02/128/1", "0.02/128/2");
    assertThat(specs).extracting(Tuner.TrialSpec::sameAs).containsOnlyNulls();
  }

  @Test
  void trials_gridSearchWithDifferentBudgets_userException() {
    String unequal = """
        grid:
          variant:
            - {name: a}
            - {name: b}
        tune:
          search: grid
          space: {trainer.learning-rate: [0.01, 0.02]}
          methods: {b: {trainer.batch-size: [64, 128]}}
        """;
    List<LoadedRun> loaded = Harness.load(tmp.resolve("cfg4"), BASE + unequal);
    assertThatThrownBy(() -> Tuner.trials(Harness.REGISTRY, loaded))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("same budget")
        .hasMessageContaining("2 trials")
        .hasMessageContaining("'sim[variant=b]' 4");
  }

  @Test
  void methodName_dropsOnlyTheSeedLabel() {
    assertThat(Tuner.methodName("sim[variant=a,seed=3]")).isEqualTo("sim[variant=a]");
    assertThat(Tuner.methodName("sim[seed=3,variant=a]")).isEqualTo("sim[variant=a]");
    assertThat(Tuner.methodName("sim[seed=3]")).isEqualTo("sim");
    assertThat(Tuner.methodName("sim[subseed=3]")).isEqualTo("sim[subseed=3]");
  }

  @Test
  void search_trials_neverScoreTheTestPart() throws IOException {
    List<Path> trialDirs = new ArrayList<>();
    for (Path d : runDirs()) {
      if (d.getFileName().toString().contains("trial-")) {
        trialDirs.add(d);
      }
    }
    assertThat(trialDirs).hasSize(4);
    for (Path d : trialDirs) {
      JsonNode m = metrics(d);
      assertThat(m.has("valid/recall@20")).as(d.toString()).isTrue();
      Iterator<String> keys = m.fieldNames();
      while (keys.hasNext()) {
        assertThat(keys.next()).as(d.toString()).doesNotStartWith("test/");
      }
      assertThat(d.resolve("per-query-test.csv")).doesNotExist();
      assertThat(d.resolve("embeddings")).doesNotExist();
    }
  }

  @Test
  void search_finalRuns_useTheTrialWithTheBestValidationScore() throws IOException {
    Path searchDir = runDirs().stream().filter(d -> d.getFileName().toString().contains("-tune-")).findFirst()
        .orElseThrow();
    List<String> csv = Files.readAllLines(searchDir.resolve("tune.csv"));
    assertThat(csv.get(0)).isEqualTo("method,trial,seed,trainer.learning-rate,trainer.batch-size,valid/recall@20,"
        + "best-epoch,chosen,run-id");
    assertThat(csv).hasSize(5);
    for (String method : List.of("softmax", "narrow")) {
      List<String[]> rows = csv.stream().skip(1).filter(l -> l.contains("variant=" + method)).map(l -> l.split(","))
          .toList();
      assertThat(rows).hasSize(2);
      // columns after the quoted method name (it holds a comma-free label): trial, seed, lr, batch, valid, ...
      String[] best = Double.parseDouble(rows.get(0)[5]) >= Double.parseDouble(rows.get(1)[5]) ? rows.get(0) : rows.get(1);
      assertThat(best[7]).isEqualTo("true");
      double lr = Double.parseDouble(best[3]);
      List<RunOutcome> finals = outcomes.stream().filter(o -> o.name().contains("variant=" + method)).toList();
      assertThat(finals).hasSize(2); // both seeds of the config, retrained with the chosen values
      for (RunOutcome o : finals) {
        JsonNode eff = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .readTree(o.dir().resolve("effective-config.yaml").toFile());
        assertThat(eff.get("trainer").get("learning-rate").asDouble()).isEqualTo(lr);
        if (method.equals("narrow")) {
          assertThat(eff.get("trainer").get("batch-size").asText()).isEqualTo(best[4]);
        }
        assertThat(o.metrics()).containsKey("test/recall@20");
      }
    }
  }

  @Test
  void search_reports_chosenValuesAndTheChosenConfigurationsTestResult() throws IOException {
    Path board = outcomes.get(0).dir().getParent().resolve(runDirs().stream()
        .filter(d -> d.getFileName().toString().contains("-grid-")).findFirst().orElseThrow().getFileName());
    String md = Files.readString(board.resolve("tune.md"));
    assertThat(md).contains("Random search, 2 trials per method x 1 seed(s)")
        .contains("| sim[variant=softmax] | 2 | `trainer.learning-rate` = ")
        .contains("(2 seeds)")
        .contains("(chosen)");
    assertThat(console).contains("== tune 1/4: sim[variant=softmax] trial 1 seed 7").contains("Tuning (random search");
    assertThat(board.resolve("tune.csv")).isRegularFile();
  }

  @Test
  void search_unknownMetric_userExceptionBeforeAnythingIsWritten() {
    List<LoadedRun> bad = Harness.load(tmp.resolve("cfg5"), BASE + """
        tune: {trials: 1, metric: auc, space: {trainer.learning-rate: [0.01]}}
        """);
    assertThatThrownBy(() -> new ExperimentRunner(Harness.REGISTRY, new PrintStream(new ByteArrayOutputStream()))
        .runAll(bad, tmp.resolve("out5"), false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.tune.metric is 'auc'")
        .hasMessageContaining("recall@20");
    assertThat(tmp.resolve("out5")).doesNotExist();
  }
}

package org.towerlab.registry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.registry.Fixtures;
import org.towerlab.registry.Fixtures.MixedConfig;
import org.towerlab.registry.Fixtures.PlainConfig;
import org.towerlab.registry.Fixtures.TopkConfig;
import org.towerlab.registry.Registry;

class ConfigLoaderTest {
  private static final String BASE = """
      name: toy-exp
      seed: 7
      data:
        type: toy
        min-rating: 4
      model:
        type: two-tower
        query-tower: {type: mlp, dims: [32, 16]}
        item-tower:
          type: id-only
      """;

  private final Registry registry = Registry.of(new Fixtures.CoreModule());
  private final ConfigLoader loader = new ConfigLoader(registry);

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private List<LoadedRun> load(String yaml, String... overrides) throws IOException {
    return loader.loadRuns(write("exp.yaml", yaml), List.of(overrides), Map.of());
  }

  @Test
  void loadRuns_minimalConfig_defaultsFilled() throws IOException {
    ExperimentConfig cfg = load(BASE).get(0).config();
    assertThat(cfg.name()).isEqualTo("toy-exp");
    assertThat(cfg.run()).isEqualTo("toy-exp");
    assertThat(cfg.seed()).isEqualTo(7L);
    assertThat(cfg.sampler()).isEqualTo(new Fixtures.InBatchConfig(true));
    assertThat(cfg.loss()).isEqualTo(new Fixtures.SoftmaxConfig(0.05));
    assertThat(cfg.trainer()).isEqualTo(new PlainConfig(1, 0.01));
    assertThat(cfg.evaluators()).containsExactly(new TopkConfig(List.of(10)));
    assertThat(cfg.tracking()).isEqualTo(new Fixtures.LocalConfig());
    assertThat(cfg.model()).isEqualTo(new Fixtures.TwoTowerConfig(new Fixtures.MlpTowerConfig(List.of(32, 16), 0.0),
        new Fixtures.IdTowerConfig(32), new Fixtures.DotConfig(1.0)));
  }

  @Test
  void loadRuns_rawTree_beforeDefaults() throws IOException {
    LoadedRun run = load(BASE).get(0);
    assertThat(run.raw().has("sampler")).isFalse();
    assertThat(run.effective().get("sampler").get("type").asText()).isEqualTo("in-batch");
    assertThat(run.effective().get("data").get("min-rating").asInt()).isEqualTo(4);
    assertThat(run.gridValues()).isEmpty();
  }

  @Test
  void effective_boundAgain_equalRecord() throws IOException {
    LoadedRun run = load(BASE + "sampler: {type: mixed}\n").get(0);
    ExperimentConfig again = loader.bind(run.effective(), "effective.yaml");
    assertThat(again).isEqualTo(run.config());
    assertThat(registry.effective(again)).isEqualTo(run.effective());
  }

  @Test
  void effective_yamlTextBoundAgain_equalRecord() throws IOException {
    LoadedRun run = load(BASE).get(0);
    Path effective = write("effective.yaml", registry.toYaml(run.effective()));
    assertThat(loader.load(effective, List.of(), Map.of())).containsExactly(run.config());
  }

  @Test
  void overrides_scalarObjectAndListIndex_applied() throws IOException {
    ExperimentConfig cfg = load(BASE + "evaluators: [{type: topk}]\n",
        "seed=3", "sampler={type: mixed, negatives: 4}", "evaluators.0.ks=[10,20]",
        "model.query-tower.dropout=0.5", "trainer.epochs=2").get(0).config();
    assertThat(cfg.seed()).isEqualTo(3L);
    assertThat(cfg.sampler()).isEqualTo(new MixedConfig(4));
    assertThat(cfg.evaluators()).containsExactly(new TopkConfig(List.of(10, 20)));
    assertThat(((Fixtures.TwoTowerConfig) cfg.model()).queryTower())
        .isEqualTo(new Fixtures.MlpTowerConfig(List.of(32, 16), 0.5));
    assertThat(cfg.trainer()).isEqualTo(new PlainConfig(2, 0.01));
  }

  @Test
  void overrides_badValueSyntax_namesOverride() {
    assertThatThrownBy(() -> load(BASE, "sampler={type: mixed"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("--set sampler={type: mixed");
  }

  @Test
  void overrides_noEquals_namesOverride() {
    assertThatThrownBy(() -> load(BASE, "seed"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("'--set seed'");
  }

  @Test
  void overrides_indexPastEnd_userException() {
    assertThatThrownBy(() -> load(BASE + "evaluators: [{type: topk}]\n", "evaluators.5.ks=[1]"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("index 5")
        .hasMessageContaining("$.evaluators has 1 entries");
  }

  @Test
  void interpolation_envAndDefault_substituted() throws IOException {
    Path file = write("env.yaml", BASE.replace("type: toy", "type: toy\n  path: ${DATA}/ml\n  min-rating: ${MIN:-2}")
        .replace("  min-rating: 4\n", ""));
    ExperimentConfig cfg = loader.load(file, List.of(), Map.of("DATA", "/srv")).get(0);
    assertThat(cfg.data()).isEqualTo(new Fixtures.ToyDataConfig("/srv/ml", 2, null));
  }

  @Test
  void interpolation_escapedDollar_literal() throws IOException {
    Path file = write("env.yaml", BASE + "run: cost-$${X}\n");
    assertThat(loader.load(file, List.of(), Map.of()).get(0).run()).isEqualTo("cost-${X}");
  }

  @Test
  void interpolation_undefinedWithoutDefault_namesFilePathAndVariable() throws IOException {
    Path file = write("env.yaml", BASE.replace("type: toy", "type: toy\n  path: ${DATA_DIR}/ml"));
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("$.data.path")
        .hasMessageContaining("DATA_DIR");
  }

  @Test
  void grid_twoAxes_cartesianProductInDeclaredOrder() throws IOException {
    List<LoadedRun> runs = load(BASE + """
        grid:
          sampler: [{type: in-batch}, {type: mixed, negatives: 2}]
          seed: [1, 2, 3]
        """);
    assertThat(runs).hasSize(6);
    assertThat(runs).extracting(r -> r.config().run()).containsExactly(
        "toy-exp[sampler=in-batch,seed=1]", "toy-exp[sampler=in-batch,seed=2]", "toy-exp[sampler=in-batch,seed=3]",
        "toy-exp[sampler=mixed,seed=1]", "toy-exp[sampler=mixed,seed=2]", "toy-exp[sampler=mixed,seed=3]");
    assertThat(runs.get(4).config().sampler()).isEqualTo(new MixedConfig(2));
    assertThat(runs.get(4).config().seed()).isEqualTo(2L);
    assertThat(runs.get(4).gridValues()).containsEntry("seed", 2).containsKey("sampler");
    assertThat(runs).extracting(r -> r.config().name()).containsOnly("toy-exp");
  }

  @Test
  void grid_dottedPathAndOverride_expanded() throws IOException {
    List<LoadedRun> runs = load(BASE + "grid: {model.query-tower.dims: [[8], [16, 8]]}\n", "grid.seed=[1,2]");
    assertThat(runs).extracting(r -> r.config().run()).containsExactly(
        "toy-exp[model.query-tower.dims=[8],seed=1]", "toy-exp[model.query-tower.dims=[8],seed=2]",
        "toy-exp[model.query-tower.dims=[16,8],seed=1]", "toy-exp[model.query-tower.dims=[16,8],seed=2]");
    assertThat(((Fixtures.TwoTowerConfig) runs.get(3).config().model()).queryTower())
        .isEqualTo(new Fixtures.MlpTowerConfig(List.of(16, 8), 0.0));
  }

  @Test
  void grid_overrideOnlyGrid_expanded() throws IOException {
    assertThat(load(BASE, "grid.seed=[1,2]")).extracting(r -> r.config().seed()).containsExactly(1L, 2L);
  }

  @Test
  void grid_variants_setSeveralSectionsTogetherAndCrossWithSeeds() throws IOException {
    List<LoadedRun> runs = load(BASE + """
        grid:
          variant:
            - {name: base}
            - {name: mixed-deep, sampler: {type: mixed, negatives: 4}, model.query-tower.dims: [16, 8]}
          seed: [1, 2]
        """);
    assertThat(runs).extracting(r -> r.config().run()).containsExactly(
        "toy-exp[variant=base,seed=1]", "toy-exp[variant=base,seed=2]",
        "toy-exp[variant=mixed-deep,seed=1]", "toy-exp[variant=mixed-deep,seed=2]");
    assertThat(runs.get(0).config().sampler()).isEqualTo(runs.get(1).config().sampler());
    assertThat(runs.get(3).config().sampler()).isEqualTo(new MixedConfig(4));
    assertThat(((Fixtures.TwoTowerConfig) runs.get(3).config().model()).queryTower())
        .isEqualTo(new Fixtures.MlpTowerConfig(List.of(16, 8), 0.0));
  }

  @Test
  void grid_overrideUnderAGridReplacedSection_winsInEveryChild() throws IOException {
    // the variant replaces model.query-tower; --set model.query-tower.dims must not be dropped silently
    List<LoadedRun> runs = load(BASE + """
        grid:
          variant:
            - {name: base}
            - {name: deep, model.query-tower: {type: mlp, dims: [64, 32]}}
        """, "model.query-tower.dims=[4]");
    assertThat(runs).extracting(r -> ((Fixtures.TwoTowerConfig) r.config().model()).queryTower())
        .containsExactly(new Fixtures.MlpTowerConfig(List.of(4), 0.0), new Fixtures.MlpTowerConfig(List.of(4), 0.0));
  }

  @Test
  void grid_overrideAboveAGridPath_gridStillVariesTheChildren() throws IOException {
    // --set model.query-tower={...} is refined by the grid's model.query-tower.dims, not reapplied over it
    List<LoadedRun> runs = load(BASE + "grid: {model.query-tower.dims: [[8], [16, 8]]}\n",
        "model.query-tower={type: mlp, dims: [2]}");
    assertThat(runs).extracting(r -> ((Fixtures.TwoTowerConfig) r.config().model()).queryTower())
        .containsExactly(new Fixtures.MlpTowerConfig(List.of(8), 0.0), new Fixtures.MlpTowerConfig(List.of(16, 8), 0.0));
  }

  @Test
  void grid_valuesWithTheSameType_getDistinctNames() throws IOException {
    List<LoadedRun> runs = load(BASE + "grid: {sampler: [{type: mixed, negatives: 2}, {type: mixed, negatives: 4}]}\n");
    assertThat(runs).extracting(r -> r.config().run())
        .containsExactly("toy-exp[sampler=mixed#1]", "toy-exp[sampler=mixed#2]");
  }

  @Test
  void summary_section_boundForEveryRunButNotPartOfTheirEffectiveConfig() throws IOException {
    List<LoadedRun> runs = load(BASE + "summary: {primary-metric: recall@20}\ngrid: {seed: [1, 2]}\n",
        "summary.resamples=500");
    List<LoadedRun> plain = load(BASE + "grid: {seed: [1, 2]}\n");
    assertThat(runs).allSatisfy(r -> {
      assertThat(r.summary().primaryMetric()).isEqualTo("recall@20");
      assertThat(r.summary().resamples()).isEqualTo(500);
      assertThat(r.summary().seed()).isEqualTo(1L);
      assertThat(r.effective().has("summary")).isFalse();
    });
    // the section changes no run: same effective configs (and run ids) as without it
    assertThat(runs.get(1).effective()).isEqualTo(plain.get(1).effective());
    assertThat(plain.get(0).summary()).isEqualTo(org.towerlab.api.config.SummaryConfig.DEFAULT);
  }

  @Test
  void runtime_section_boundButNotPartOfTheEffectiveConfig() throws IOException {
    List<LoadedRun> runs = load(BASE + "runtime: {threads: 3}\n");
    List<LoadedRun> overridden = load(BASE + "runtime: {threads: 3}\n", "runtime.threads=1");
    List<LoadedRun> plain = load(BASE);

    assertThat(runs.get(0).runtime().threads()).isEqualTo(3);
    assertThat(overridden.get(0).runtime().effectiveThreads()).isEqualTo(1);
    assertThat(runs.get(0).effective().has("runtime")).isFalse();
    assertThat(runs.get(0).effective()).isEqualTo(plain.get(0).effective());
    assertThat(plain.get(0).runtime().effectiveThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void runtime_badThreads_userExceptionNamingThePath() {
    assertThatThrownBy(() -> load(BASE + "runtime: {threads: 0}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.runtime")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> load(BASE + "runtime: 2\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.runtime must be a mapping");
  }

  @Test
  void tune_section_boundForEveryRunButNotPartOfTheirEffectiveConfig() throws IOException {
    String tune = "tune: {trials: 3, space: {trainer.lr: {log-uniform: [0.001, 0.1]}}}\n";
    List<LoadedRun> runs = load(BASE + tune + "grid: {seed: [1, 2]}\n", "tune.trials=5");
    List<LoadedRun> plain = load(BASE + "grid: {seed: [1, 2]}\n");
    assertThat(runs).allSatisfy(r -> {
      assertThat(r.tune().trials()).isEqualTo(5);
      assertThat(r.tune().space()).containsOnlyKeys("trainer.lr");
      assertThat(r.effective().has("tune")).isFalse();
    });
    assertThat(runs.get(1).effective()).isEqualTo(plain.get(1).effective());
    assertThat(plain.get(0).tune()).isNull();
  }

  @Test
  void tune_unknownKeyOrBadValue_userExceptionNamingThePath() {
    assertThatThrownBy(() -> load(BASE + "tune: {trials: 2, trails: 3, space: {seed: [1]}}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.tune.trails")
        .hasMessageContaining("trials");
    assertThatThrownBy(() -> load(BASE + "tune: {trials: 3, space: {trainer.lr: {gauss: [1, 2]}}}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.tune")
        .hasMessageContaining("space entry 'trainer.lr'");
    assertThatThrownBy(() -> load(BASE + "tune: [3]\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.tune must be a mapping");
  }

  @Test
  void withValues_setsThePathsRenamesAndRebinds() throws IOException {
    LoadedRun run = load(BASE + "tune: {trials: 1, space: {trainer.lr: [0.5]}}\n").get(0);
    LoadedRun tuned = loader.withValues(run, Map.of("trainer.lr",
        com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.5), "seed",
        com.fasterxml.jackson.databind.node.LongNode.valueOf(3)), "toy-exp[trial=1]", "tune.space");
    assertThat(tuned.config().trainer()).isEqualTo(new PlainConfig(1, 0.5));
    assertThat(tuned.config().seed()).isEqualTo(3L);
    assertThat(tuned.config().run()).isEqualTo("toy-exp[trial=1]");
    assertThat(tuned.effective().get("trainer").get("lr").asDouble()).isEqualTo(0.5);
    assertThat(tuned.tune()).isNull();
    assertThat(run.config().trainer()).isEqualTo(new PlainConfig(1, 0.01)); // the original is untouched
    assertThatThrownBy(() -> loader.withValues(run, Map.of("trainer.lr",
        com.fasterxml.jackson.databind.node.TextNode.valueOf("fast")), "toy-exp[trial=1]", "tune.space"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("tune.space entry 'trainer.lr'")
        .hasMessageContaining("toy-exp[trial=1]");
  }

  @Test
  void summary_unknownKeyOrBadValue_userExceptionNamingThePath() {
    assertThatThrownBy(() -> load(BASE + "summary: {primary: recall@20}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.summary.primary")
        .hasMessageContaining("primary-metric");
    assertThatThrownBy(() -> load(BASE + "summary: {resamples: 10}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.summary")
        .hasMessageContaining("got 10");
    assertThatThrownBy(() -> load(BASE + "summary: recall@20\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.summary must be a mapping");
  }

  @Test
  void grid_variantNotAMapping_userException() {
    assertThatThrownBy(() -> load(BASE + "grid: {variant: [3]}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("grid.variant");
  }

  @Test
  void grid_scalarEntry_userException() {
    assertThatThrownBy(() -> load(BASE + "grid: {seed: 3}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("grid entry 'seed'");
  }

  @Test
  void yamlSyntaxError_namesFileAndLine() throws IOException {
    Path file = write("bad.yaml", "name: x\ndata:\n  type: toy\n  min-rating: [1, 2\nmodel: {type: two-tower}\n");
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining(file.toString())
        .hasMessageMatching("(?s).*line [45].*");
  }

  @Test
  void duplicateKey_userExceptionWithLine() throws IOException {
    Path file = write("dup.yaml", BASE + "seed: 8\n");
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("line 11")
        .hasMessageContaining("seed");
  }

  @Test
  void unknownKey_pathOwnerKnownKeysSuggestionAndLine() throws IOException {
    Path file = write("exp.yaml", BASE.replace("dims: [32, 16]", "dimz: [32, 16]"));
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage(file + ":8: Unknown key 'dimz' at $.model.query-tower.dimz for tower 'mlp'."
            + " Known keys: [dims, dropout]. Did you mean 'dims'?");
  }

  @Test
  void unknownKeyFromOverride_namesOverrideNotLine() throws IOException {
    Path file = write("exp.yaml", BASE);
    assertThatThrownBy(() -> loader.load(file, List.of("model.query-tower.dimz=3"), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith(file + " (--set model.query-tower.dimz=3): Unknown key 'dimz'");
  }

  @Test
  void invalidValueFromGrid_namesGridEntry() throws IOException {
    Path file = write("exp.yaml", BASE + "grid: {trainer.epochs: [1, 0]}\n");
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith(file + " (run toy-exp[trainer.epochs=0], grid entry 'trainer.epochs'):"
            + " Invalid value at $.trainer (trainer 'plain'): epochs must be at least 1, got 0");
  }

  @Test
  void unknownTopLevelKey_suggestsGrid() {
    assertThatThrownBy(() -> load(BASE + "gird: {seed: [1]}\n"))
        .hasMessageContaining("Unknown key 'gird' at $.gird")
        .hasMessageContaining("Did you mean 'grid'?");
  }

  @Test
  void unknownType_knownNamesAndSuggestion() throws IOException {
    Path file = write("exp.yaml", BASE.replace("type: mlp", "type: mpl"));
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage(file + ":8: Unknown tower type 'mpl' at $.model.query-tower.type. Known: [id-only, mlp]."
            + " Did you mean 'mlp'?");
  }

  @Test
  void missingType_asksForTypeWithKnownNames() {
    assertThatThrownBy(() -> load(BASE.replace("type: id-only", "dim: 8")))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.model.item-tower")
        .hasMessageContaining("Add `type:` with one of [id-only, mlp]");
  }

  @Test
  void defaultSectionWithoutType_getsDefaultType() throws IOException {
    assertThat(load(BASE + "loss: {temperature: 0.1}\n").get(0).config().loss())
        .isEqualTo(new Fixtures.SoftmaxConfig(0.1));
  }

  @Test
  void scalarSection_suggestsMapping() {
    assertThatThrownBy(() -> load(BASE + "sampler: mixed\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.sampler")
        .hasMessageContaining("{type: mixed}");
  }

  @Test
  void invalidValue_compactConstructorMessageWithPath() {
    assertThatThrownBy(() -> load(BASE + "trainer: {type: plain, epochs: 0}\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("Invalid value at $.trainer")
        .hasMessageContaining("epochs must be at least 1, got 0");
  }

  @Test
  void typeMismatch_expectedNumber() throws IOException {
    Path file = write("exp.yaml", BASE.replace("seed: 7", "seed: abc"));
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage(file + ":2: Expected a number at $.seed, got 'abc'.");
  }

  @Test
  void typeMismatch_listExpected() {
    assertThatThrownBy(() -> load(BASE + "evaluators: [{type: topk, ks: {a: 1}}]\n"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("Expected a list at $.evaluators[0].ks");
  }

  @Test
  void missingModel_userExceptionListsModels() throws IOException {
    Path file = write("exp.yaml", "data: {type: toy}\n");
    assertThatThrownBy(() -> loader.load(file, List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("`model:`")
        .hasMessageContaining("[two-tower]");
  }

  @Test
  void jsonFile_loaded() throws IOException {
    Path file = write("exp.json", """
        {"data": {"type": "toy"}, "model": {"type": "two-tower",
          "query-tower": {"type": "mlp"}, "item-tower": {"type": "mlp"}}, "seed": 5}
        """);
    assertThat(loader.load(file, List.of(), Map.of()).get(0).seed()).isEqualTo(5L);
  }

  @Test
  void missingFile_userException() {
    assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"), List.of(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("nope.yaml")
        .hasMessageContaining("does not exist");
  }

  @Test
  void explicitNullSection_keptNull() throws IOException {
    assertThat(load(BASE + "tracking: null\n").get(0).config().tracking()).isNull();
  }
}

package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The error contract for bad configs, through the CLI with the real components: {@code validate}
 * and {@code run} refuse each case the same way, with exit 2 and one paragraph that names the
 * config file and the config path, and {@code run} writes nothing to {@code --out}. Many cases
 * need the data or the model to be found (fields the data set lacks, tower widths the interaction
 * cannot score, a monitor metric no evaluator reports): the preflight finds them before the run
 * store is touched.
 */
class BadConfigTest {
  /** A tiny trainable run on the simulator: the base every case breaks. */
  static final String SIMULATOR = """
      name: bad-config
      seed: 3
      data: {type: simulator, n-users: 80, n-items: 40, interactions-per-user: 12, seed: 5}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 4, hidden: [8], output-dim: 8}
        item-tower: {type: mlp, embedding-dim: 4, hidden: [8], output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      trainer: {type: plain, epochs: 1, batch-size: 64, monitor: recall@10}
      evaluators: [{type: topk, ks: [5, 10]}]
      """;
  /** The same on a MovieLens 100K fixture (no propensities, no logged negatives). */
  static final String MOVIELENS = SIMULATOR.replace(
      "{type: simulator, n-users: 80, n-items: 40, interactions-per-user: 12, seed: 5}", "{type: ml-100k, path: DATA}");

  @TempDir Path tmp;

  /**
   * One bad config.
   *
   * @param name what is wrong
   * @param base the config it starts from ({@code DATA} is the MovieLens fixture's folder)
   * @param sets {@code --set} overrides applied to it
   * @param expected fragments of the message, among them the config path
   */
  record Case(String name, String base, List<String> sets, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case sim(String name, List<String> sets, String... expected) {
    return new Case(name, SIMULATOR, sets, List.of(expected));
  }

  private static Case ml(String name, List<String> sets, String... expected) {
    return new Case(name, MOVIELENS, sets, List.of(expected));
  }

  static Stream<Case> cases() {
    return Stream.of(
        // found by the dry pass of the model (validate used to say OK, run failed after writing)
        sim("tower widths differ under dot", List.of("model.item-tower.output-dim=16", "model.interaction={type: dot}"),
            "$.model.interaction", "output widths differ (8 and 16)"),
        sim("tower widths differ under cosine", List.of("model.query-tower.output-dim=12"), "$.model.interaction",
            "(12 and 8)"),
        sim("query field the data set lacks", List.of("model.query-tower.fields=[id, zipcode]"),
            "$.model.query-tower.fields", "zipcode"),
        sim("item field the data set lacks", List.of("model.item-tower.fields=[id, genre]"), "$.model.item-tower.fields",
            "genre"),
        ml("ipw on data without propensities", List.of("trainer.ipw=true"), "trainer.ipw", "no propensity column"),
        sim("monitor a k the evaluator does not compute", List.of("trainer.monitor=recall@50"), "$.trainer.monitor",
            "recall@50"),
        sim("monitor a metric of another evaluator", List.of("trainer.monitor=auc"), "$.trainer.monitor", "'auc'"),
        sim("ks changed under a fixed monitor", List.of("evaluators.0.ks=[5]"), "$.trainer.monitor", "recall@10"),
        sim("offline hard negatives without their embeddings", List.of(
            "sampler={type: ebr-offline-hard, rank-from: 2, rank-to: 10, embeddings: /nonexistent/run/embeddings}"),
            "$.sampler", "/nonexistent"),
        ml("logged rows on a split without them", List.of("trainer.rows=logged"), "trainer.rows", "logged"),
        sim("lists under a loss that scores pairs", List.of("trainer.rows=lists"), "trainer.rows", "lists"),
        sim("row mode that does not exist", List.of("trainer.rows=pairs"), "$.trainer", "pairs"),
        ml("pointwise evaluator only, on a ranking split", List.of("evaluators=[{type: pointwise}]"), "evaluators",
            "{type: topk}"),
        ml("no positives left by min-rating", List.of("data.protocol={type: per-user-ratio, min-rating: 6}"),
            "$.data.protocol", "no positive rows"),
        ml("ctr protocol on a label the data set lacks", List.of("data.protocol={type: ctr, label: click}"), "label",
            "click"),
        sim("coat protocol on the simulator", List.of("data.protocol={type: coat-random-test}"), "coat-random-test",
            "random"),
        sim("hit tower with an mlp partner", List.of("model.query-tower={type: hit}"), "Invalid combination",
            "{type: hit}"),
        // found while binding the config
        sim("unknown loss type", List.of("loss.type=sampled_softmax"), "$.loss.type", "Did you mean 'sampled-softmax'"),
        sim("unknown model type", List.of("model.type=two-towers"), "$.model.type", "two-tower"),
        sim("snake_case key", List.of("trainer.learning_rate=0.1"), "$.trainer.learning_rate", "learning-rate"),
        sim("negative epochs", List.of("trainer.epochs=-1"), "$.trainer", "epochs must be >= 0, got -1"),
        sim("batch of one", List.of("trainer.batch-size=1"), "$.trainer", "batch-size must be >= 2"),
        sim("zero temperature", List.of("model.interaction.temperature=0"), "$.model.interaction", "temperature"),
        sim("fraction for an integer", List.of("trainer.epochs=2.5"), "$.trainer.epochs", "2.5"),
        sim("evaluator without a type", List.of("evaluators=[{ks: [5]}]"), "$.evaluators[0]", "type:"),
        sim("grid entry that is not a list", List.of("grid.seed=3"), "grid", "seed"),
        new Case("undefined variable", SIMULATOR + "run: '${NO_SUCH_VARIABLE}'\n", List.of(), List.of("$.run",
            "Undefined variable ${NO_SUCH_VARIABLE}")),
        sim("mlflow tracker with a file uri", List.of("tracking={type: mlflow, uri: 'file:///tmp/mlruns'}"), "$.tracking",
            "http"),
        sim("simulator with a negative size", List.of("data.n-items=-4"), "$.data", "n-items must be positive"),
        sim("simulator log too large", List.of("data.n-users=100000000", "data.interactions-per-user=50"), "$.data",
            "log rows"),
        sim("ipw clip outside (0, 1]", List.of("trainer.ipw-clip=2"), "$.trainer", "ipw-clip"),
        sim("unknown top-level key", List.of("evaluator=[{type: topk}]"), "$.evaluator", "evaluators"),
        sim("csv label range the wrong way round", List.of(
            "data={type: csv, file: x.csv, labels: [rating], label-ranges: {rating: [5, 1]}}"), "$.data",
            "label-ranges.rating"),
        sim("policy that overflows", List.of("data.personalization=100000"), "$.data", "personalization"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validateAndRun_badConfig_exitTwoNamingFileAndPathNothingWritten(Case c) {
    Path data = DataFixtures.ml100k(tmp.resolve("ml-100k"));
    Path file = tmp.resolve("exp.yaml");
    DataFixtures.write(file, c.base().replace("DATA", "'" + data + "'"));
    Path out = tmp.resolve("runs");
    List<String> validate = new ArrayList<>(List.of("validate", file.toString()));
    List<String> run = new ArrayList<>(List.of("run", file.toString(), "--out", out.toString()));
    for (String s : c.sets()) {
      validate.addAll(List.of("--set", s));
      run.addAll(List.of("--set", s));
    }

    Cli.Result v = Cli.run(validate.toArray(String[]::new));
    Cli.Result r = Cli.run(run.toArray(String[]::new));

    for (Cli.Result res : List.of(v, r)) {
      assertThat(res.code()).as(res.toString()).isEqualTo(2);
      assertThat(res.err()).as(res.toString()).contains(file.toString()).contains(c.expected())
          .doesNotContain("\tat ").doesNotContain("internal error");
      assertThat(message(res.err())).as("one paragraph: " + res).hasSize(1);
    }
    assertThat(Cli.emptyOrAbsent(out)).as("nothing written to --out: " + Cli.files(out)).isTrue();
  }

  /** stderr without the progress lines of loading and splitting the data. */
  static List<String> message(String err) {
    return err.lines().filter(l -> !l.startsWith("loaded ") && !l.startsWith("protocol ") && !l.isBlank()).toList();
  }

  @Test
  void cases_atLeastThirty() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(30);
  }

  /** The bases are valid: each case above fails because of its one change. */
  @Test
  void validate_bases_ok() {
    Path data = DataFixtures.ml100k(tmp.resolve("ml-100k"));
    for (String base : List.of(SIMULATOR, MOVIELENS)) {
      Path file = tmp.resolve("base.yaml");
      DataFixtures.write(file, base.replace("DATA", "'" + data + "'"));
      Cli.Result r = Cli.run("validate", file.toString());
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("OK: " + file + ": 1 run(s)\n");
    }
  }

  @Test
  void validate_configPathIsADirectory_saysSoAndListsConfigs() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("configs.yaml"));
    Files.writeString(dir.resolve("a.yaml"), SIMULATOR);

    Cli.Result r = Cli.run("validate", dir.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(dir.toString()).contains("is a directory").contains("a.yaml")
        .doesNotContain("does not exist");
  }

  @Test
  void validate_binaryConfig_saysItIsBinary() throws Exception {
    Path file = tmp.resolve("model.yaml");
    Files.write(file, new byte[] {0x50, 0x4b, 0x03, 0x04, 0x00, 0x14, (byte) 0xff, (byte) 0xfe});

    Cli.Result r = Cli.run("validate", file.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(file.toString()).contains("binary file").doesNotContain("Input length");
  }

  @Test
  void validate_latin1Config_namesOffsetAndLine() throws Exception {
    Path file = tmp.resolve("latin.yaml");
    Files.write(file, (SIMULATOR + "run: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));

    Cli.Result r = Cli.run("validate", file.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("not UTF-8").contains("line 11").doesNotContain("Input length");
  }

  @Test
  void validateAndRun_longValue_messageShortened() {
    Path file = tmp.resolve("long.yaml");
    DataFixtures.write(file, SIMULATOR.replace("type: cosine", "type: " + "x".repeat(500_000)));
    Path out = tmp.resolve("runs");

    for (Cli.Result r : List.of(Cli.run("validate", file.toString()),
        Cli.run("run", file.toString(), "--out", out.toString()))) {
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("$.model.interaction.type").contains("characters left out");
      assertThat(r.err().length()).isLessThan(5000);
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void validate_tenMegabyteConfig_refusedBeforeParsing() {
    Path file = tmp.resolve("big.yaml");
    DataFixtures.write(file, SIMULATOR.replace("type: cosine", "type: " + "x".repeat(10_000_000)));

    Cli.Result r = Cli.run("validate", file.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(file.toString()).contains("10,000,").contains("small text file");
    assertThat(r.err().length()).isLessThan(1000);
  }
}

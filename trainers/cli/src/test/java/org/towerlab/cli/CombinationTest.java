package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/** {@code validate} with the real components: valid mixes pass, invalid ones are refused with the reason. */
class CombinationTest {
  private static final Registry REGISTRY = Registry.discover();

  @TempDir Path dir;

  private int validate(String yaml, ByteArrayOutputStream err) throws IOException {
    Path file = dir.resolve("exp.yaml");
    Files.writeString(file, yaml);
    return new Towerlab(() -> REGISTRY, Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute("validate", file.toString());
  }

  private static String config(String model) {
    return """
        name: mix
        data: {type: simulator}
        sampler: {type: in-batch}
        loss: {type: sampled-softmax}
        model: %s
        """.formatted(model);
  }

  @Test
  void validate_hitTowerWithMlpPartner_refusedWithReason() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = validate(config("{type: two-tower, query-tower: {type: hit}, item-tower: {type: mlp}}"), err);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid combination")
        .contains("use {type: hit} for both").doesNotContain("\tat ");
  }

  @Test
  void validate_paperTowersWithBaselineParts_accepted() throws IOException {
    for (String model : new String[] {
        "{type: two-tower, query-tower: {type: hit}, item-tower: {type: hit}, interaction: {type: max-sim}}",
        "{type: two-tower, query-tower: {type: hit}, item-tower: {type: hit}, interaction: {type: cosine}}",
        "{type: two-tower, query-tower: {type: dat}, item-tower: {type: dat}, interaction: {type: dot}}",
        "{type: two-tower, query-tower: {type: mlp}, item-tower: {type: mlp}, interaction: {type: max-sim}}",
        "{type: two-tower, query-tower: {type: inttower-user}, item-tower: {type: inttower-item},"
            + " interaction: {type: fe-block}}",
        "{type: two-tower, query-tower: {type: inttower-user, cir-weight: 0}, item-tower: {type: mlp},"
            + " interaction: {type: fe-block}}",
        "{type: two-tower, query-tower: {type: mlp}, item-tower: {type: mlp}, interaction: {type: fe-block}}",
        "{type: two-tower, query-tower: {type: poly}, item-tower: {type: mlp}, interaction: {type: poly}}",
        "{type: two-tower, query-tower: {type: mlp}, item-tower: {type: mlp}, interaction: {type: poly}}",
        "{type: mvke}"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertThat(validate(config(model), err)).as(model + ": " + err).isZero();
    }
  }

  @Test
  void validate_intTowerCirAgainstNarrowerItemTower_refusedWithReason() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = validate(config("{type: two-tower, query-tower: {type: inttower-user, heads: 2, head-dim: 32},"
        + " item-tower: {type: mlp, output-dim: 32}, interaction: {type: fe-block}}"), err);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid combination").contains("width is 32")
        .contains("cir-weight: 0").doesNotContain("\tat ");
  }

  @Test
  void validate_feBlockWithDifferentHeadWidths_refusedWithReason() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = validate(config("{type: two-tower, query-tower: {type: inttower-user, head-dim: 16, cir-weight: 0},"
        + " item-tower: {type: inttower-item}, interaction: {type: fe-block}}"), err);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("query 16, item 64").doesNotContain("\tat ");
  }

  @Test
  void validate_mvkeLossWithoutTheMvkeModel_refusedWithReason() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String yaml = config("{type: two-tower}").replace("loss: {type: sampled-softmax}", "loss: {type: mvke-bce}");
    assertThat(validate(yaml, err)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid combination").contains("model: {type: mvke}")
        .doesNotContain("\tat ");
    ByteArrayOutputStream ok = new ByteArrayOutputStream();
    assertThat(validate(config("{type: mvke}").replace("loss: {type: sampled-softmax}", "loss: {type: mvke-bce}"), ok))
        .as(ok.toString(StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void validate_tarqExampleConfigs_accepted() {
    // the generated ML-100K: a clone without ../shared/data validates too, and tests never download
    Path ml100k = DataFixtures.ml100k(dir.resolve("ml-100k"));
    for (String file : new String[] {"ml-100k/tarq.yaml", "simulator/tarq.yaml"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      String[] args = file.startsWith("ml-100k/")
          ? new String[] {"validate", Cli.examples().resolve(file).toString(), "--set", "data.path='" + ml100k + "'"}
          : new String[] {"validate", Cli.examples().resolve(file).toString()};
      int code = new Towerlab(() -> REGISTRY, Map.of(), new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
      assertThat(code).as(file + ": " + err).isZero();
    }
  }

  @Test
  void run_missingDataFiles_exitTwoAndNothingWritten() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("no-data"));
    Path out = dir.resolve("runs");
    Path file = dir.resolve("exp.yaml");
    Files.writeString(file, """
        name: missing
        data: {type: ml-100k, path: %s}
        model: {type: most-popular}
        grid: {seed: [1, 2]}
        """.formatted(empty));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Towerlab(() -> REGISTRY, Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute("run", file.toString(), "--out", out.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(empty.toString()).doesNotContain("\tat ");
    assertThat(out).doesNotExist();
  }
}

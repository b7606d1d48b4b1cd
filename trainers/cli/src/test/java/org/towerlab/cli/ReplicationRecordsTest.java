package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.io.Mappers;

/**
 * The checked-in replication records (docs/replication.md): each sits beside its config and names
 * it, and the trained quick record is narrow enough to catch a real change of the science: the
 * same config with its logQ correction removed, or a 10x smaller learning rate, falls outside.
 * (That the unchanged config falls inside is checked by {@code .ci/run}, on the CLI.)
 */
class ReplicationRecordsTest {
  /** The configs and their records live in examples/ at the repository root, not in this module. */
  private static final Path EXAMPLES = Cli.examples();
  private static final Path QUICK = EXAMPLES.resolve("simulator/quick-check.yaml");
  private static final Path QUICK_RECORD = EXAMPLES.resolve("simulator/quick-check.expected.yaml");
  private static final Pattern RUN_DIR = Pattern.compile("Run directory: (\\S+)");

  @TempDir Path tmp;

  static List<Path> records() {
    return Cli.files(EXAMPLES).stream().filter(p -> p.toString().endsWith(".expected.yaml"))
        .filter(p -> !EXAMPLES.relativize(p).startsWith("target")).toList();
  }

  @Test
  void records_eachBesideItsConfig_namesItAndItsExperiment() throws Exception {
    assertThat(records()).contains(QUICK_RECORD, EXAMPLES.resolve("ml-100k/most-popular.expected.yaml"));
    for (Path file : records()) {
      ReplicationRecord rec = ReplicationRecord.read(file);
      Path config = file.resolveSibling(file.getFileName().toString().replace(".expected.yaml", ".yaml"));
      assertThat(config).as(file.toString()).exists();
      assertThat(EXAMPLES.getParent().resolve(rec.config()).normalize()).as(file.toString()).isEqualTo(config);
      assertThat(rec.experiment()).isEqualTo(Mappers.YAML.readTree(config.toFile()).path("name").asText());
      assertThat(rec.commit()).as(file + ": recorded from a committed tree").matches("[0-9a-f]{40}");
      for (ReplicationRecord.Method m : rec.methods()) {
        m.metrics().forEach((k, v) -> assertThat(v.values()).as(file + " " + k).hasSameSizeAs(m.seeds()));
      }
    }
  }

  @Test
  void quickCheck_logQCorrectionRemoved_fallsOutsideRecord() {
    Cli.Result r = checkVariant("--set", "sampler.logq=false", "--set", "loss.logq-correction=false");

    assertThat(r.code()).as(r.toString()).isEqualTo(CheckCommand.OUTSIDE_RECORD);
    assertThat(r.out()).contains("FAIL  simulator-quick-check  test/recall@20 = ")
        .contains("FAIL  simulator-quick-check  test/ndcg@20 = ");
  }

  @Test
  void quickCheck_learningRateTenTimesSmaller_fallsOutsideRecord() {
    Cli.Result r = checkVariant("--set", "trainer.learning-rate=0.001");

    assertThat(r.code()).as(r.toString()).isEqualTo(CheckCommand.OUTSIDE_RECORD);
    assertThat(r.out()).contains("FAIL  simulator-quick-check  test/recall@10 = ")
        .contains("FAIL  simulator-quick-check  test/ndcg@10 = ");
  }

  /** Runs the quick config with {@code overrides} and checks it against the checked-in record. */
  private Cli.Result checkVariant(String... overrides) {
    String[] args = new String[4 + overrides.length];
    args[0] = "run";
    args[1] = QUICK.toString();
    args[2] = "--out";
    args[3] = tmp.toString();
    System.arraycopy(overrides, 0, args, 4, overrides.length);
    Cli.Result run = Cli.run(args);
    assertThat(run.code()).as(run.toString()).isZero();
    Matcher m = RUN_DIR.matcher(run.out());
    assertThat(m.find()).as(run.toString()).isTrue();
    assertThat(Files.isDirectory(Path.of(m.group(1)))).isTrue();
    return Cli.run("check", m.group(1), "--record", QUICK_RECORD.toString());
  }
}

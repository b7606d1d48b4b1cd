package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.tracking.provenance.Provenance;

class SplitFileTest {
  @TempDir Path dir;

  /** The simulator split (exposures: logged negatives kept) written with its provenance, as the runner does. */
  private Split writeSimulatorRun(Path runDir) {
    Split split = Harness.split(Harness.simulator(dir.resolve("cfg")));
    Map<String, Object> record = new SplitFile().write(runDir, split, null);
    Provenance.builder().setConfig(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode())
        .optDataFiles(split.dataset().files()).optSplit(record).write(runDir);
    return split;
  }

  private static List<String> lines(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static void assertSameRows(InteractionLog a, InteractionLog b) {
    assertThat(b.queries()).containsExactly(a.queries());
    assertThat(b.items()).containsExactly(a.items());
    assertThat(b.timestamps()).containsExactly(a.timestamps());
    assertThat(b.labelNames()).containsExactlyElementsOf(a.labelNames());
    for (String l : a.labelNames()) {
      assertThat(b.label(l)).as(l).containsExactly(a.label(l));
    }
    assertThat(b.exposed()).containsExactly(a.exposed());
    assertThat(b.positions()).containsExactly(a.positions());
  }

  @Test
  void writeThenRead_simulatorSplit_samePartsLoggedRowsAndSettings() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Split original = writeSimulatorRun(run);
    assertThat(original.hasLoggedNegatives()).isTrue();

    Split read = SplitFile.read(run, original.dataset());

    for (String part : Split.PARTS) {
      assertSameRows(original.part(part), read.part(part));
      assertSameRows(original.logged(part), read.logged(part));
    }
    assertThat(read.protocol()).isEqualTo(original.protocol());
    assertThat(read.positiveLabel()).isEqualTo(original.positiveLabel());
    assertThat(read.settings()).containsEntry("exclude-seen", true).containsEntry("split-from", run.toString())
        .containsEntry("rows.train", original.settings().get("rows.train"));
  }

  @Test
  void write_linesPointAtTheirLogRowsAndFlagPositives() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Split split = writeSimulatorRun(run);
    List<String> lines = lines(run.resolve(SplitFile.FILE));
    InteractionLog log = split.dataset().log();

    assertThat(lines.get(0)).isEqualTo("part,query,item,timestamp,row,positive");
    int positives = 0;
    java.util.Set<Integer> rows = new java.util.HashSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      int row = Integer.parseInt(f[4]);
      assertThat(rows.add(row)).as("row %d listed once", row).isTrue();
      assertThat(log.queries()[row]).isEqualTo(Integer.parseInt(f[1]));
      assertThat(log.items()[row]).isEqualTo(Integer.parseInt(f[2]));
      assertThat(log.timestamps()[row]).isEqualTo(Long.parseLong(f[3]));
      positives += f[5].equals("1") ? 1 : 0;
    }
    int logged = 0;
    for (String p : Split.PARTS) {
      logged += split.logged(p).size();
    }
    assertThat(lines).hasSize(1 + logged);
    assertThat(positives).isEqualTo(split.train().size() + split.valid().size() + split.test().size());
    var record = Provenance.read(run).path("split");
    assertThat(record.path("sha256").asText()).hasSize(64);
    assertThat(record.path("rowIndex").asBoolean()).isTrue();
    assertThat(record.path("logged").asBoolean()).isTrue();
    assertThat(record.path("rows").path("test").asInt()).isEqualTo(split.logged("test").size());
  }

  @Test
  void write_sameSplitTwice_sameBytesAndContentHash() throws IOException {
    Split split = Harness.split(Harness.simulator(dir.resolve("cfg")));
    SplitFile files = new SplitFile();
    Map<String, Object> a = files.write(Files.createDirectories(dir.resolve("a")), split, null);
    Map<String, Object> b = new SplitFile().write(Files.createDirectories(dir.resolve("b")), split, null);
    Map<String, Object> c = files.write(Files.createDirectories(dir.resolve("c")), split, null); // copied
    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
    assertThat(Files.readAllBytes(dir.resolve("c").resolve(SplitFile.FILE)))
        .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(SplitFile.FILE)));
  }

  @Test
  void read_splitFileChanged_userException() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Split split = writeSimulatorRun(run);
    List<String> lines = lines(run.resolve(SplitFile.FILE));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(String.join("\n", lines.subList(0, lines.size() - 1)).getBytes(StandardCharsets.UTF_8));
    }
    Files.write(run.resolve(SplitFile.FILE), bytes.toByteArray());

    assertThatThrownBy(() -> SplitFile.read(run, split.dataset())).isInstanceOf(UserException.class)
        .hasMessageContaining("was changed after the run");
  }

  @Test
  void read_otherLogOrOtherDataFiles_userException() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Split split = writeSimulatorRun(run);
    Dataset d = split.dataset();
    // the same files, another log: a generated data set with other settings
    InteractionLog fewer = d.log().filter(new boolean[d.log().size()]);
    Dataset otherLog = new Dataset(d.name(), d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(), fewer,
        d.itemCategory(), d.files(), d.groundTruth());
    assertThatThrownBy(() -> SplitFile.read(run, otherLog)).isInstanceOf(UserException.class)
        .hasMessageContaining("interaction log (0 rows").hasMessageContaining("not the one that run split");
    // a data file the run did not read
    Dataset otherFiles = new Dataset(d.name(), d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(), d.log(),
        d.itemCategory(), Map.of("/data/u.data", "sha256:00ff;rows=3"), d.groundTruth());
    assertThatThrownBy(() -> SplitFile.read(run, otherFiles)).isInstanceOf(UserException.class)
        .hasMessageContaining("the data files differ").hasMessageContaining("read now /data/u.data: sha256 00ff, 3 rows");
  }

  @Test
  void read_directoryWithoutSplit_userExceptionSaysWhy() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("old-run"));
    Split split = Harness.split(Harness.simulator(dir.resolve("cfg")));
    assertThatThrownBy(() -> SplitFile.read(empty, split.dataset())).isInstanceOf(UserException.class)
        .hasMessageContaining("has no split.csv.gz");
    assertThatThrownBy(() -> SplitFile.read(dir.resolve("nope"), split.dataset())).isInstanceOf(UserException.class)
        .hasMessageContaining("no such directory");
  }

  @Test
  void match_exactDuplicatesInTwoParts_eachLogRowClaimedOnce() {
    // rows 1 and 2 are identical; one goes to each part
    InteractionLog log = new InteractionLog(new int[] {0, 1, 1, 2}, new int[] {5, 6, 6, 7}, new long[] {1, 2, 2, 3},
        Map.of("rating", new float[] {4, 5, 5, 3}), null, null, null);
    boolean[] claimed = new boolean[4];
    int[] a = SplitFile.match(log, log.select(new int[] {0, 2}), claimed);
    int[] b = SplitFile.match(log, log.select(new int[] {1, 3}), claimed);
    assertThat(a).containsExactly(0, 1);
    assertThat(b).containsExactly(2, 3);
    assertThat(SplitFile.match(log, log.select(new int[] {1}), claimed)).isNull(); // nothing left to claim
  }

  @Test
  void fingerprint_anyColumnChange_changesIt() {
    InteractionLog log = new InteractionLog(new int[] {0, 1}, new int[] {5, 6}, new long[] {1, 2},
        Map.of("rating", new float[] {4, 5}), null, null, null);
    InteractionLog relabeled = log.withLabel("rating", new float[] {4, 4});
    assertThat(SplitFile.fingerprint(log)).isEqualTo(SplitFile.fingerprint(log.select(new int[] {0, 1})))
        .isNotEqualTo(SplitFile.fingerprint(relabeled))
        .isNotEqualTo(SplitFile.fingerprint(log.select(new int[] {1, 0})));
  }
}

package org.towerlab.tracking.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.tracking.local.Json;
import org.towerlab.tracking.provenance.Provenance.DataFile;

class ProvenanceTest {
  @TempDir
  Path tmp;

  @Test
  void dataFileOf_knownContent_hasKnownHashAndRows() throws Exception {
    Path f = Files.writeString(tmp.resolve("d.csv"), "abc\n");
    Path g = Files.writeString(tmp.resolve("e.csv"), "a\nb\nc"); // no final newline

    assertThat(DataFile.of(f)).isEqualTo(
        new DataFile("edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb", 1));
    assertThat(DataFile.of(g).rows()).isEqualTo(3);
  }

  @Test
  void dataFileParse_datasetForm_roundTrips() {
    assertThat(DataFile.parse("sha256:ab12;rows=100")).isEqualTo(new DataFile("ab12", 100));
    assertThatThrownBy(() -> DataFile.parse("md5:x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md5:x");
  }

  @Test
  void build_allInputs_areRecorded() throws Exception {
    Path f = Files.writeString(tmp.resolve("ratings.csv"), "u,i\n1,2\n");
    JsonNode config = Json.MAPPER.readTree("{\"model\":{\"type\":\"two-tower\"}}");

    Path written = Provenance.builder().setConfig(config).optSeeds(Map.of("root", 42L, "sampler", 7L))
        .optDataFile(f).optDataFiles(Map.of("items.csv", "sha256:ff;rows=3"))
        .optRepoRoot(tmp).optVersions(Map.of("towerlab", "0.1.0")).optPlugins(List.of("a.BModule"))
        .optCreatedAt(Instant.EPOCH).write(tmp);
    JsonNode p = Provenance.read(tmp);

    assertThat(written).isEqualTo(tmp.resolve(Provenance.FILE));
    assertThat(p.get("config")).isEqualTo(config);
    assertThat(p.at("/seeds/sampler").asLong()).isEqualTo(7L);
    assertThat(p.at("/git/commit").asText()).isEqualTo("unknown"); // tmp is no git repository
    assertThat(p.at("/versions/java").asText()).isEqualTo(System.getProperty("java.version"));
    assertThat(p.at("/versions/towerlab").asText()).isEqualTo("0.1.0");
    assertThat(p.at("/machine/cores").asInt()).isPositive();
    assertThat(p.at("/machine/cpu").asText()).isNotBlank();
    assertThat(p.get("plugins").get(0).asText()).isEqualTo("a.BModule");
    assertThat(Provenance.dataFiles(p)).containsEntry("items.csv", new DataFile("ff", 3))
        .containsEntry(f.toString(), DataFile.of(f));
    assertThat(DataFile.of(f).rows()).isEqualTo(2);
  }

  @Test
  void gitInfo_realRepository_recordsCommitAndDirtyFlag() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("a.txt"), "1");
    boolean ok = run(repo, "git", "init", "-q") && run(repo, "git", "add", "a.txt")
        && run(repo, "git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "x");
    org.junit.jupiter.api.Assumptions.assumeTrue(ok, "git is not installed");

    Provenance.GitInfo clean = Provenance.GitInfo.of(repo);
    Files.writeString(repo.resolve("a.txt"), "2");
    Provenance.GitInfo dirty = Provenance.GitInfo.of(repo);

    assertThat(clean.commit()).matches("[0-9a-f]{40}");
    assertThat(clean.dirty()).isFalse();
    assertThat(dirty.dirty()).isTrue();
  }

  @Test
  void engineVersions_withDjlOnTestClasspath_reportsPyTorch() {
    Map<String, String> v = Provenance.engineVersions();

    assertThat(v.get("djl")).isEqualTo("0.36.0");
    assertThat(v.get("engine")).isEqualTo("PyTorch");
    assertThat(v.get("engineVersion")).startsWith("2.7.1");
  }

  private static boolean run(Path dir, String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void engineVersions_pytorchEngine_recordsItsIntraOpThreads() {
    Map<String, String> v = Provenance.engineVersions();

    assertThat(v).containsKeys("djl", "engine", "engineVersion", "engineThreads");
    assertThat(Integer.parseInt(v.get("engineThreads"))).isPositive();
  }
}

package org.towerlab.tracking.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.tracking.DatasetInput;
import org.towerlab.api.tracking.RunSpec;

/** Dataset inputs, model directories and stage runs in the local run store. */
class LocalRunModelsTest {
  @TempDir
  Path dir;

  @Test
  void logDatasetAndModel_readBack_inputsModelsAndArtifactsKeepTheirLayout() throws Exception {
    Path run = dir.resolve("exp/r1");
    Path model = dir.resolve("exp/r1/model");
    Files.createDirectories(model.resolve("data"));
    Files.writeString(model.resolve("MLmodel"), "artifact_path: model\n");
    Files.writeString(model.resolve("data/items.npy"), "x");
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(new RunSpec("exp", "r1", "r1", run, null, Map.of()));
      DatasetInput in = new DatasetInput("ml-100k", "0123456789abcdef", "local", "{\"uri\": \"/d\"}", "{}", "{}", null);
      store.logDataset(in);
      store.logDataset(in); // once
      store.logModelEntries(model, "model", "tt");
      store.finish("FINISHED");
    }
    LocalRun r = LocalRun.read(run);
    assertThat(r.inputs()).singleElement().satisfies(m -> assertThat(m).containsEntry("name", "ml-100k")
        .containsEntry("digest", "0123456789abcdef").containsEntry("context", "training"));
    assertThat(r.models()).singleElement().isEqualTo(Map.of("artifactPath", "model", "registeredModelName", "tt"));
    assertThat(r.artifacts()).extracting(ArtifactEntry::artifactPath).containsExactly("model/MLmodel",
        "model/data/items.npy");
  }

  @Test
  void find_runWithStages_stageRunsFollowTheirRun() throws Exception {
    for (String d : new String[] {"exp/r1", "exp/r1/stages/ranker", "exp/r1/stages/retriever", "exp/r2"}) {
      try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
        store.start(new RunSpec("exp", d, d.replace('/', '-'), dir.resolve(d), null, Map.of()));
        store.finish("FINISHED");
      }
    }
    assertThat(LocalRun.find(dir)).extracting(p -> dir.relativize(p).toString()).containsExactly("exp/r1",
        "exp/r1/stages/ranker", "exp/r1/stages/retriever", "exp/r2");
    assertThat(LocalRun.find(dir.resolve("exp/r1"))).hasSize(3);
  }
}

package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.trainers.Harness.RecordingTracker;
import org.towerlab.trainers.Harness.Session;

class CheckpointTest {
  @TempDir Path tmp;

  @Test
  void writeThenRead_roundTripsStateArraysAndOrder() throws IOException {
    Map<String, float[]> arrays = new LinkedHashMap<>();
    arrays.put("param:b", new float[] {1.5f, -0f, Float.MIN_VALUE});
    arrays.put("param:a", new float[] {});
    arrays.put("adam:0", new float[] {3f});
    Path file = tmp.resolve("sub/last.ckpt");
    new Checkpoint("{\"epoch\":3}", arrays).write(file);

    Checkpoint back = Checkpoint.read(file);
    assertThat(back.state).isEqualTo("{\"epoch\":3}");
    assertThat(back.arrays.keySet()).containsExactly("param:b", "param:a", "adam:0");
    assertThat(back.arrays.get("param:b")).containsExactly(1.5f, -0f, Float.MIN_VALUE);
    assertThat(back.withPrefix("param:")).hasSize(2);
    assertThat(back.withPrefix("adam:").get(0)).containsExactly(3f);
    assertThat(tmp.resolve("sub/last.ckpt.tmp")).doesNotExist();
  }

  @Test
  void read_notACheckpoint_ioExceptionNamingTheFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("x.ckpt"), "hello world, not a checkpoint");
    assertThatThrownBy(() -> Checkpoint.read(file)).isInstanceOf(IOException.class).hasMessageContaining("x.ckpt");
  }

  @Test
  void train_resumeFromCorruptCheckpoint_userExceptionSayingWhatToDo() throws IOException {
    Path run = tmp.resolve("run");
    Files.createDirectories(run.resolve("checkpoints"));
    Files.writeString(run.resolve("checkpoints/last.ckpt"), "garbage");
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=1"))) {
      assertThatThrownBy(() -> s.train(run, true, new RecordingTracker()))
          .isInstanceOf(UserException.class)
          .hasMessageContaining("last.ckpt")
          .hasMessageContaining("--resume");
    }
  }
}

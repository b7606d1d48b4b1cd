package org.towerlab.tracking.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path tmp;

  @Test
  void write_existingFile_isReplacedAndNoTemporaryLeft() throws Exception {
    Path f = tmp.resolve("sub/a.json");
    AtomicFiles.writeString(f, "old");
    AtomicFiles.writeString(f, "new content");

    assertThat(Files.readString(f)).isEqualTo("new content");
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.json");
    }
  }

  @Test
  void appendLine_twice_writesTwoCompleteLines() throws Exception {
    Path f = tmp.resolve("h.jsonl");
    AtomicFiles.appendLine(f, "{\"a\":1}");
    AtomicFiles.appendLine(f, "{\"a\":2}", false);

    assertThat(Files.readAllLines(f)).containsExactly("{\"a\":1}", "{\"a\":2}");
  }

  @Test
  void isTemporary_leftoverName_isRecognized() {
    assertThat(AtomicFiles.isTemporary(Path.of(".run.json.123.tmp"))).isTrue();
    assertThat(AtomicFiles.isTemporary(Path.of("run.json"))).isFalse();
  }
}

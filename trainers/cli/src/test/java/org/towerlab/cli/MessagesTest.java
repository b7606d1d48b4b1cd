package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void clean_longWord_keepsHeadAndTailSaysHowMuchWasLeftOut() {
    String m = Messages.clean("Unknown type '" + "x".repeat(1000) + "' at $.loss.type.");

    assertThat(m).startsWith("Unknown type '" + "x".repeat(85)).contains("...[882 characters left out]...")
        .endsWith("' at $.loss.type.").hasSizeLessThan(300);
  }

  @Test
  void clean_longMessageOfShortWords_cutInTheMiddle() {
    String m = Messages.clean("start " + "word ".repeat(5000) + "end");

    assertThat(m).startsWith("start word").endsWith("word end").contains("characters left out")
        .hasSizeLessThan(Messages.MAX_MESSAGE + 100);
  }

  @Test
  void clean_uriWithPassword_masked() {
    assertThat(Messages.clean("server http://admin:pw@h:5000 is down")).isEqualTo("server http://admin:***@h:5000 is down");
  }

  @Test
  void ioCause_wrappedDiskFull_foundAndNamedWithTheFile() {
    IOException disk = new IOException("No space left on device");
    RuntimeException top = new UncheckedIOException(new IOException("Cannot write the checkpoint /r/last.ckpt: "
        + disk.getMessage(), disk));

    IOException io = Messages.ioCause(new IllegalStateException("wrapped", top));

    assertThat(io).isNotNull();
    assertThat(Messages.ioError(top, io)).contains("/r/last.ckpt").contains("No space left on device")
        .contains("--resume");
  }

  @Test
  void ioError_fileSystemExceptionAndRemovedDirectory_saysWhatToDo() {
    FileSystemException ro = new FileSystemException("/r/run.json", null, "Read-only file system");
    NoSuchFileException gone = new NoSuchFileException("/r", null, "the run directory was removed while the run was"
        + " writing to it");

    assertThat(Messages.ioError(ro, ro)).contains("/r/run.json: Read-only file system").contains("writable");
    assertThat(Messages.ioError(new UncheckedIOException(gone), gone)).contains("removed").contains("run the experiment again");
    assertThat(Messages.ioCause(new IllegalArgumentException("no io"))).isNull();
  }
}

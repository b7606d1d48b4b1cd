package org.towerlab.modules.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.towerlab.api.UserException;

/**
 * Reads a text file line by line with strict decoding (undecodable bytes are an error, not a
 * replacement character), strips {@code \r}, hashes the bytes, and turns every problem into a
 * {@link UserException} that names the file, the line number and the offending text.
 *
 * <p>A file cut short (an interrupted download or copy) ends without a newline in the middle of
 * its last line. When the last line lacks its newline and fails to parse, the error says that the
 * file looks truncated. For files whose originals end every line with a newline (the published
 * data sets), {@link #requireFinalNewline()} makes a missing final newline an error by itself: a
 * line cut inside its last number would otherwise parse.
 */
final class TextFile {
  /** Handles one line; {@code lineNo} is 1-based. Throw {@link #error} for a bad line. */
  @FunctionalInterface
  interface LineHandler {
    void line(int lineNo, String line);
  }

  private final Path path;
  private final Charset charset;
  private final String downloadHint;
  private boolean requireFinalNewline;

  TextFile(Path path, Charset charset, String downloadHint) {
    this.path = path;
    this.charset = charset;
    this.downloadHint = downloadHint;
  }

  static TextFile utf8(Path path, String downloadHint) {
    return new TextFile(path, StandardCharsets.UTF_8, downloadHint);
  }

  Path path() {
    return path;
  }

  /** Refuses a file whose last line has no newline (see the class comment); returns this file. */
  TextFile requireFinalNewline() {
    requireFinalNewline = true;
    return this;
  }

  boolean exists() {
    return Files.isRegularFile(path);
  }

  /**
   * Calls {@code handler} for every non-empty line and records {@code sha256:<hex>;rows=<n>} (n =
   * the number of lines handed to the handler) in {@code files} under the absolute path.
   */
  void read(LineHandler handler, Map<String, String> files) {
    if (!Files.isRegularFile(path)) {
      throw new UserException("Data file " + path.toAbsolutePath() + " does not exist. " + downloadHint
          + " Set the config key 'path' or the environment variable " + DataRoot.ENV
          + " to the folder that holds the data sets.");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    CharsetDecoder decoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int rows = 0;
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[1 << 16];
      byte[] line = new byte[256];
      int len = 0;
      boolean ascii = true;
      int lineNo = 0;
      int n;
      while (true) {
        n = in.read(buf);
        if (n < 0) {
          break;
        }
        sha.update(buf, 0, n);
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            lineNo++;
            if (emit(line, len, ascii, lineNo, decoder, handler)) {
              rows++;
            }
            len = 0;
            ascii = true;
          } else {
            if (len == line.length) {
              line = java.util.Arrays.copyOf(line, len * 2);
            }
            line[len++] = b;
            ascii &= b >= 0;
          }
        }
      }
      if (len > 0) {
        lineNo++;
        if (emitLast(line, len, ascii, lineNo, decoder, handler)) {
          rows++;
        }
      }
    } catch (NoSuchFileException e) {
      throw new UserException("Data file " + path.toAbsolutePath() + " does not exist. " + downloadHint);
    } catch (IOException e) {
      throw new UserException("Cannot read data file " + path.toAbsolutePath() + ": " + e.getMessage()
          + ". Check that the file is readable.", e);
    }
    files.put(path.toAbsolutePath().normalize().toString(),
        "sha256:" + HexFormat.of().formatHex(sha.digest()) + ";rows=" + rows);
  }

  /** The last line, which has no newline: a truncated file, when it is refused or fails to parse. */
  private boolean emitLast(byte[] bytes, int len, boolean ascii, int lineNo, CharsetDecoder decoder,
      LineHandler handler) {
    String truncated = " The file ends in this line without a final newline: it looks truncated (an interrupted"
        + " download or copy).";
    if (requireFinalNewline) {
      String shown = new String(bytes, 0, len, charset);
      throw new UserException("Bad data in " + path.toAbsolutePath() + " line " + lineNo + ": the last line '"
          + truncate(shown) + "' ends without a newline, while every line of the original file has one: the file"
          + " looks truncated (an interrupted download or copy). Get the file again. " + downloadHint);
    }
    try {
      return emit(bytes, len, ascii, lineNo, decoder, handler);
    } catch (UserException e) {
      throw new UserException(e.getMessage() + truncated, e);
    }
  }

  private boolean emit(byte[] bytes, int len, boolean ascii, int lineNo, CharsetDecoder decoder,
      LineHandler handler) {
    if (len > 0 && bytes[len - 1] == '\r') {
      len--;
    }
    if (len == 0) {
      return false;
    }
    String s;
    if (ascii) {
      s = new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    } else {
      try {
        CharBuffer cb = decoder.reset().decode(ByteBuffer.wrap(bytes, 0, len));
        s = cb.toString();
      } catch (CharacterCodingException e) {
        String shown = new String(bytes, 0, len, charset);
        throw error(lineNo, shown, "bytes that are not valid " + charset.name()
            + " (save the file as " + charset.name() + ")");
      }
    }
    if (s.isBlank()) {
      return false;
    }
    handler.line(lineNo, s);
    return true;
  }

  /** An error naming this file, the line and the (truncated) text. */
  UserException error(int lineNo, String text, String problem) {
    return new UserException("Bad data in " + path.toAbsolutePath() + " line " + lineNo + ": " + problem
        + ". The line reads '" + truncate(text) + "'. Fix or remove the line, or point 'path' at an"
        + " unmodified copy of the data set.");
  }

  /** An error about an entry of this file whose line text is not at hand. */
  UserException error(int lineNo, String problem) {
    return new UserException("Bad data in " + path.toAbsolutePath() + " line " + lineNo + ": " + problem
        + ". Fix or remove the line, or point 'path' at an unmodified copy of the data set.");
  }

  /** The file has no data rows. */
  UserException empty(String what) {
    return new UserException("Data file " + path.toAbsolutePath() + " has no " + what + ": it is empty or holds a"
        + " header only. " + downloadHint);
  }

  /** The first line (1-based) that {@code match} accepts, 0 if none: finds the line of an error found after reading. */
  int findLine(java.util.function.Predicate<String> match) {
    int[] found = {0};
    try {
      read((no, line) -> {
        if (found[0] == 0 && match.test(line)) {
          found[0] = no;
        }
      }, new java.util.HashMap<>());
    } catch (UserException e) {
      return found[0];
    }
    return found[0];
  }

  static String truncate(String text) {
    String t = text.replace("\t", "\\t");
    return t.length() <= 80 ? t : t.substring(0, 77) + "...";
  }

  /** Parses an int field or throws {@link #error}. */
  int parseInt(int lineNo, String line, String value, String what) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw error(lineNo, line, what + " '" + truncate(value) + "' is not an integer");
    }
  }

  long parseLong(int lineNo, String line, String value, String what) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw error(lineNo, line, what + " '" + truncate(value) + "' is not an integer");
    }
  }

  float parseFloat(int lineNo, String line, String value, String what) {
    try {
      float f = Float.parseFloat(value.trim());
      if (!Float.isFinite(f)) {
        throw new NumberFormatException();
      }
      return f;
    } catch (NumberFormatException e) {
      throw error(lineNo, line, what + " '" + truncate(value) + "' is not a finite number");
    }
  }

  /** Checks the field count or throws {@link #error}. */
  String[] expectFields(int lineNo, String line, String[] fields, int expected, String format) {
    if (fields.length != expected) {
      throw error(lineNo, line, "expected " + expected + " fields (" + format + "), found " + fields.length);
    }
    return fields;
  }
}

package org.towerlab.tracking.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The JSON mapper of the run store: pretty, sorted map keys, no failure on unknown fields. */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Json() {}

  /** Atomically writes {@code value} as pretty JSON. */
  public static void write(Path target, Object value) {
    write(target, value, true);
  }

  /** Atomically writes {@code value} as pretty JSON; {@code force} as in {@link AtomicFiles}. */
  public static void write(Path target, Object value, boolean force) {
    try {
      AtomicFiles.write(target, MAPPER.writeValueAsBytes(value), force);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + target.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Compact one-line JSON, for append-only files. */
  public static String line(Object value) {
    try {
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static <T> T read(Path file, Class<T> type) {
    try {
      return MAPPER.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}

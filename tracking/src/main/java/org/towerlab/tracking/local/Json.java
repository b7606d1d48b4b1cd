package org.towerlab.tracking.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.towerlab.registry.io.Mappers;

/**
 * JSON files of the run store, through the shared configuration ({@link Mappers}): written pretty
 * with sorted map keys (files read back leniently: unknown fields are ignored).
 */
public final class Json {
  public static final ObjectMapper MAPPER = Mappers.JSON;

  private Json() {}

  /** Atomically writes {@code value} as pretty JSON. */
  public static void write(Path target, Object value) {
    write(target, value, true);
  }

  /** Atomically writes {@code value} as pretty JSON; {@code force} as in {@link AtomicFiles}. */
  public static void write(Path target, Object value, boolean force) {
    try {
      AtomicFiles.write(target, Mappers.sortedPretty().writeValueAsBytes(value), force);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + target.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Compact one-line JSON, for append-only files. */
  public static String line(Object value) {
    try {
      return MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code value} as a JSON tree with map keys sorted, as {@link #write} writes maps. */
  public static com.fasterxml.jackson.databind.JsonNode sortedTree(Object value) {
    try {
      return MAPPER.readTree(MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsBytes(value));
    } catch (IOException e) {
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

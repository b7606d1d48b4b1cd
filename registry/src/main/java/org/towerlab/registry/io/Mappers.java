package org.towerlab.registry.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The one Jackson configuration for TowerLab's own files (run directories, metrics, provenance,
 * embeddings metadata, CSV outputs): unknown properties are ignored when reading, so a newer file
 * reads with an older TowerLab. Writers for pretty or compact output come from {@link #JSON}; map
 * keys keep their insertion order unless a writer sorts them ({@link #sortedPretty()}).
 *
 * <p>Config files are not read here: the registry binds them with its own strict mapper
 * (kebab-case records, unknown keys are errors) and {@code ConfigLoader} detects duplicate keys.
 */
public final class Mappers {
  /** JSON: reads leniently, writes compact (see {@link #pretty()}). */
  public static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  /** YAML, configured as {@link #JSON}. */
  public static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  /** CSV ({@link Csv} reads and writes through it). */
  public static final CsvMapper CSV = CsvMapper.builder().build();

  private static final ObjectWriter PRETTY = JSON.writerWithDefaultPrettyPrinter();
  private static final ObjectWriter SORTED_PRETTY = JSON.writer()
      .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).withDefaultPrettyPrinter();

  private Mappers() {}

  /** Indented JSON, map keys in insertion order. */
  public static ObjectWriter pretty() {
    return PRETTY;
  }

  /** Indented JSON, map keys sorted (files compared across runs: params.json, tags.json). */
  public static ObjectWriter sortedPretty() {
    return SORTED_PRETTY;
  }
}

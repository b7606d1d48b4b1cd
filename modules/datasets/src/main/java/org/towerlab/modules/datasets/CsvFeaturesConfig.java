package org.towerlab.modules.datasets;

import java.util.List;

/**
 * A feature file of one side for {@link CsvSource}: one line per entity, keyed by the same ids as
 * the interaction file.
 *
 * @param file path of the feature file (required)
 * @param delimiter field delimiter, as in {@link CsvConfig}
 * @param header whether the first line names the columns; default true
 * @param idColumn column of the entity id; default {@code id}
 * @param fields the feature fields read from this file
 */
public record CsvFeaturesConfig(String file, String delimiter, Boolean header, String idColumn,
    List<CsvFieldConfig> fields) {

  public CsvFeaturesConfig {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("a feature file section needs 'file', got " + file);
    }
    delimiter = delimiter(delimiter, file);
    header = header == null ? Boolean.TRUE : header;
    idColumn = idColumn == null ? "id" : idColumn;
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  static String delimiter(String configured, String file) {
    if (configured == null || configured.isEmpty()) {
      return file.endsWith(".tsv") ? "\t" : ",";
    }
    if (configured.equals("tab") || configured.equals("\\t")) {
      return "\t";
    }
    if (configured.length() != 1) {
      throw new IllegalArgumentException("delimiter must be one character or 'tab', got '" + configured + "'");
    }
    return configured;
  }
}

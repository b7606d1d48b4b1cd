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
 * @param allowMissing whether ids of the interaction file may lack a row here (their features are
 *     then missing, 0); default false: a missing row is a data error naming the interaction line,
 *     since it usually means that the two files' ids do not match
 */
public record CsvFeaturesConfig(String file, String delimiter, Boolean header, String idColumn,
    List<CsvFieldConfig> fields, Boolean allowMissing) {

  /** Every interaction id must have a row. */
  public CsvFeaturesConfig(String file, String delimiter, Boolean header, String idColumn, List<CsvFieldConfig> fields) {
    this(file, delimiter, header, idColumn, fields, null);
  }

  public CsvFeaturesConfig {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("a feature file section needs 'file', got " + file);
    }
    delimiter = delimiter(delimiter, file);
    header = header == null ? Boolean.TRUE : header;
    idColumn = idColumn == null ? "id" : idColumn;
    fields = fields == null ? List.of() : List.copyOf(fields);
    allowMissing = allowMissing != null && allowMissing;
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

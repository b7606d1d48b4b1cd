package org.towerlab.modules.datasets;

import java.util.List;
import java.util.Map;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link CsvSource}: a generic delimited interaction file plus optional feature files.
 * Columns are header names when {@code header} is true, else 0-based indexes ("0", "1", ...).
 *
 * @param name data set name recorded with runs; default {@code csv}
 * @param file the interaction file (required)
 * @param delimiter field delimiter; {@code tab} or {@code \t} for tabs; default {@code ,} ({@code tab}
 *     for files ending in .tsv)
 * @param header whether the first line names the columns; default true
 * @param queryColumn column of the query id; default {@code user}
 * @param itemColumn column of the item id; default {@code item}
 * @param timestampColumn column of the timestamp (an integer); default none = the row number
 * @param labels label columns (numbers); default none (implicit feedback)
 * @param queryFeatures optional query-side feature file
 * @param itemFeatures optional item-side feature file
 * @param itemCategoryField a categorical item field used as the item category; default none
 * @param encoding charset of all files; default UTF-8
 * @param exposureColumn column saying whether the row's item was shown ({@code 1}/{@code 0} or
 *     {@code true}/{@code false}); with it the log is an impression log: shown rows whose labels are
 *     0 are real negatives, unshown rows are logged candidates; default none = every row is an
 *     interaction
 * @param requestColumn column of a request id (any string; rows shown or considered together
 *     share it); default none
 * @param positionColumn column of the display position (an integer); default none
 * @param propensityColumn column of the logging policy's probability of showing the item, in
 *     {@code (0, 1]}; default none
 * @param stageColumn column of the last logging stage the candidate reached (an integer >= 0,
 *     0 = retrieved, ...); default none
 * @param protocol the split protocol; default {@code per-user-ratio}
 * @param labelRanges the valid range {@code [min, max]} of label columns, by label name
 *     ({@code {rating: [1, 5]}}); a value outside is a data error naming the line. Default none
 */
public record CsvConfig(String name, String file, String delimiter, Boolean header, String queryColumn,
    String itemColumn, String timestampColumn, List<String> labels, CsvFeaturesConfig queryFeatures,
    CsvFeaturesConfig itemFeatures, String itemCategoryField, String encoding, String exposureColumn,
    String requestColumn, String positionColumn, String propensityColumn, String stageColumn,
    ComponentConfig.Protocol protocol, Map<String, List<Double>> labelRanges) implements ComponentConfig.Data {

  public CsvConfig {
    name = name == null || name.isBlank() ? "csv" : name;
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("csv data needs 'file' (the interaction file), got " + file);
    }
    delimiter = CsvFeaturesConfig.delimiter(delimiter, file);
    header = header == null ? Boolean.TRUE : header;
    queryColumn = queryColumn == null ? "user" : queryColumn;
    itemColumn = itemColumn == null ? "item" : itemColumn;
    labels = labels == null ? List.of() : List.copyOf(labels);
    encoding = encoding == null ? "UTF-8" : encoding;
    if (!java.nio.charset.Charset.isSupported(encoding)) {
      throw new IllegalArgumentException("encoding '" + encoding + "' is not a known charset");
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
    labelRanges = labelRanges(labelRanges, labels);
  }

  private static Map<String, List<Double>> labelRanges(Map<String, List<Double>> ranges, List<String> labels) {
    if (ranges == null) {
      return Map.of();
    }
    for (Map.Entry<String, List<Double>> e : ranges.entrySet()) {
      List<Double> r = e.getValue();
      if (!labels.contains(e.getKey())) {
        throw new IllegalArgumentException("label-ranges names '" + e.getKey() + "', which is not one of labels "
            + labels);
      }
      if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || !(r.get(0) <= r.get(1))) {
        throw new IllegalArgumentException("label-ranges." + e.getKey() + " must be [min, max] with min <= max, got "
            + r);
      }
    }
    return Map.copyOf(ranges);
  }

  /** Without logging columns (an interaction file). */
  public CsvConfig(String name, String file, String delimiter, Boolean header, String queryColumn,
      String itemColumn, String timestampColumn, List<String> labels, CsvFeaturesConfig queryFeatures,
      CsvFeaturesConfig itemFeatures, String itemCategoryField, String encoding, ComponentConfig.Protocol protocol) {
    this(name, file, delimiter, header, queryColumn, itemColumn, timestampColumn, labels, queryFeatures, itemFeatures,
        itemCategoryField, encoding, null, null, null, null, null, protocol, null);
  }

  /** With logging columns, without label ranges. */
  public CsvConfig(String name, String file, String delimiter, Boolean header, String queryColumn,
      String itemColumn, String timestampColumn, List<String> labels, CsvFeaturesConfig queryFeatures,
      CsvFeaturesConfig itemFeatures, String itemCategoryField, String encoding, String exposureColumn,
      String requestColumn, String positionColumn, String propensityColumn, String stageColumn,
      ComponentConfig.Protocol protocol) {
    this(name, file, delimiter, header, queryColumn, itemColumn, timestampColumn, labels, queryFeatures, itemFeatures,
        itemCategoryField, encoding, exposureColumn, requestColumn, positionColumn, propensityColumn, stageColumn,
        protocol, null);
  }
}

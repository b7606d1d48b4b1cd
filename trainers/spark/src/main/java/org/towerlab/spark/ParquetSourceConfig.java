package org.towerlab.spark;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * {@code data: {type: parquet, ...}}: an interaction log in Parquet.
 *
 * @param name data set name recorded with runs; default {@code parquet}
 * @param path a Parquet file or a directory of part files (hidden and {@code _}-prefixed files
 *     skipped), as a local path or any Hadoop file system URI ({@code hdfs://}, {@code s3a://})
 * @param queryColumn dense query ids {@code 0..n-1} (int32 or int64); default {@code query}
 * @param itemColumn dense item ids {@code 0..m-1}; default {@code item}
 * @param timestampColumn int64/int32 timestamps, or null for none (all 0); default {@code timestamp}
 *     when the file has it
 * @param labels numeric columns read as float labels; default every numeric column that is not an
 *     id or the timestamp (including {@code part}, which the {@code given} protocol reads)
 * @param protocol default {@code {type: given}}: the split a Spark job wrote in the {@code part} column
 */
public record ParquetSourceConfig(String name, String path, String queryColumn, String itemColumn,
    String timestampColumn, List<String> labels, ComponentConfig.Protocol protocol) implements ComponentConfig.Data {
  public ParquetSourceConfig {
    name = name == null || name.isBlank() ? "parquet" : name;
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("parquet data needs 'path' (a Parquet file or directory), got " + path);
    }
    queryColumn = queryColumn == null ? "query" : queryColumn;
    itemColumn = itemColumn == null ? "item" : itemColumn;
    labels = labels == null ? null : List.copyOf(labels);
    protocol = protocol == null ? new GivenSplitConfig(null, null, null, null) : protocol;
  }
}

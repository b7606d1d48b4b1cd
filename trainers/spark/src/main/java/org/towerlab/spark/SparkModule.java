package org.towerlab.spark;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the components of the Spark module: the Parquet data source and the {@code given} protocol. */
public final class SparkModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.DATA, "parquet", ParquetSourceConfig.class, (c, ctx) -> new ParquetSource(c),
        "Interaction log in Parquet (file or directory, any Hadoop URI), dense ids; needs the towerlab-spark module");
    register(Kind.PROTOCOL, "given", GivenSplitConfig.class, (c, ctx) -> new GivenSplit(c),
        "The split written in the data: a part column (0 train, 1 valid, 2 test), e.g. by the Spark split job");
  }
}

package org.towerlab.modules.datasets;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the data sources and split protocols. Factories do no IO: loading happens in load(). */
public final class DatasetsModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.DATA, "ml-100k", MovieLens100kConfig.class, (cfg, ctx) -> new MovieLens100k(cfg), "MovieLens 100K (u.data, u.user, u.item)");
    register(Kind.DATA, "ml-1m", MovieLens1mConfig.class, (cfg, ctx) -> new MovieLens1m(cfg), "MovieLens 1M / 10M (ratings.dat, users.dat, movies.dat; '::' format)");
    register(Kind.DATA, "ml-20m", MovieLens20mConfig.class, (cfg, ctx) -> new MovieLens20m(cfg), "MovieLens 20M / 25M (ratings.csv, movies.csv)");
    register(Kind.DATA, "coat", CoatConfig.class, (cfg, ctx) -> new Coat(cfg), "Coat shopping: self-selected train, random-exposure test, propensities");
    register(Kind.DATA, "csv", CsvConfig.class, (cfg, ctx) -> new CsvSource(cfg), "Generic CSV/TSV interactions with optional feature files");
    register(Kind.DATA, "open-bandit", OpenBanditConfig.class, (cfg, ctx) -> new OpenBandit(cfg), "Open Bandit Dataset (ZOZOTOWN): impressions with click, position and the logging policy's propensity");
    register(Kind.DATA, "simulator", SimulatorConfig.class, (cfg, ctx) -> Simulator.create(cfg, ctx.seeds()), "Seeded simulator with known relevance, popularity-biased exposure and an optional three-stage logging cascade");
    register(Kind.PROTOCOL, "per-user-ratio", PerUserRatioConfig.class, (cfg, ctx) -> new PerUserRatio(cfg), "Random per-user 8:1:1 split of positives or of requests (RecBole RS)");
    register(Kind.PROTOCOL, "leave-last-out", LeaveLastOutConfig.class, (cfg, ctx) -> new LeaveLastOut(cfg), "Per user: last positive to test, second-last to valid");
    register(Kind.PROTOCOL, "global-temporal", GlobalTemporalConfig.class, (cfg, ctx) -> new GlobalTemporal(cfg), "One global time cut at timestamp quantiles");
    register(Kind.PROTOCOL, "ctr", CtrConfig.class, (cfg, ctx) -> new Ctr(cfg), "Binarized labels, both classes, random or temporal 8:1:1 row split (pointwise)");
    register(Kind.PROTOCOL, "coat-random-test", CoatRandomTestConfig.class, (cfg, ctx) -> new CoatRandomTest(cfg), "Train on self-selected ratings, test on randomly exposed ones");
  }
}

package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.BuildContext;
import org.towerlab.registry.Registration;
import org.towerlab.registry.TowerlabModule;

class DatasetsModuleTest {
  private static final Set<Registration> REGISTRATIONS = Guice.createInjector(new DatasetsModule())
      .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));

  private static final BuildContext CTX = new BuildContext() {
    @Override
    public String path() {
      return "$.data";
    }

    @Override
    public Seeds seeds() {
      return new Seeds(42);
    }

    @Override
    public <T> T build(Kind kind, ComponentConfig config, String key, Class<T> type) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T service(Class<T> type) {
      throw new UnsupportedOperationException();
    }
  };

  private static Registration registration(Kind kind, String name) {
    return REGISTRATIONS.stream().filter(r -> r.kind() == kind && r.name().equals(name)).findFirst().orElseThrow();
  }

  private static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper(YAMLFactory.builder()
        .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.USE_NATIVE_TYPE_ID).build());
    m.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    for (Registration r : REGISTRATIONS) {
      m.registerSubtypes(new NamedType(r.configClass(), r.name()));
    }
    return m;
  }

  @Test
  void configure_registersEverySourceAndProtocol() {
    assertThat(REGISTRATIONS.stream().filter(r -> r.kind() == Kind.DATA).map(Registration::name))
        .containsExactlyInAnyOrder("ml-100k", "ml-1m", "ml-20m", "coat", "csv", "simulator", "open-bandit");
    assertThat(REGISTRATIONS.stream().filter(r -> r.kind() == Kind.PROTOCOL).map(Registration::name))
        .containsExactlyInAnyOrder("per-user-ratio", "leave-last-out", "global-temporal", "ctr", "coat-random-test");
  }

  @Test
  void serviceLoader_findsTheModule() {
    assertThat(ServiceLoader.load(TowerlabModule.class).stream().map(p -> p.type().getName()).toList())
        .contains(DatasetsModule.class.getName());
  }

  @Test
  void factory_missingFolder_doesNoIoUntilLoad(@TempDir Path dir) {
    MovieLens100kConfig cfg = new MovieLens100kConfig(dir.resolve("absent").toString(), null, null);

    DataSource source = registration(Kind.DATA, "ml-100k").create(cfg, CTX);

    assertThat(source).isInstanceOf(MovieLens100k.class);
    assertThatThrownBy(source::load).isInstanceOf(UserException.class).hasMessageContaining("absent");
  }

  @Test
  void factory_simulatorWithoutSeed_usesRunSeeds() {
    SimulatorConfig cfg = new SimulatorConfig(5, 5, null, null, null, null, 2.0, null, null, null, null, null, null, null, null);

    Simulator sim = registration(Kind.DATA, "simulator").create(cfg, CTX);

    assertThat(sim.seed()).isEqualTo(new Seeds(42).seed("data.simulator"));
  }

  @Test
  void factory_protocols_buildByName() {
    Protocol p = registration(Kind.PROTOCOL, "leave-last-out").create(new LeaveLastOutConfig(null, null, null, null, null), CTX);

    assertThat(p.name()).isEqualTo("leave-last-out");
  }

  @Test
  void yaml_kebabCaseKeys_bindAndRoundTrip() throws Exception {
    ObjectMapper m = mapper();
    String yaml = "type: ml-100k\nhistory-length: 20\nprotocol:\n  type: leave-last-out\n  min-rating: 4\n  k-core: 5\n";

    ComponentConfig.Data cfg = m.readValue(yaml, ComponentConfig.Data.class);

    assertThat(cfg).isEqualTo(new MovieLens100kConfig(null, 20, new LeaveLastOutConfig(4.0, null, 5, null, null)));
    String written = m.writeValueAsString(cfg);
    assertThat(written).contains("history-length: 20").contains("exclude-seen: true").containsPattern("type: \"?leave-last-out");
    assertThat(m.readValue(written, ComponentConfig.Data.class)).isEqualTo(cfg);
  }

  @Test
  void yaml_defaultProtocol_isPerUserRatio() throws Exception {
    ComponentConfig.Data cfg = mapper().readValue("type: simulator\nn-users: 10\nseed: 3\n", ComponentConfig.Data.class);

    assertThat(cfg.protocol()).isEqualTo(PerUserRatioConfig.defaults());
    assertThat(((SimulatorConfig) cfg).nUsers()).isEqualTo(10);
  }

  @Test
  void yaml_simulatorCascadeAndRequestUnit_bind() throws Exception {
    String yaml = "type: simulator\nn-users: 50\nn-items: 200\nseed: 3\ncascade:\n  retrieved: 40\n  pre-ranked: 10\n"
        + "  position-bias: 0.5\nprotocol: {type: per-user-ratio, unit: request}\n";

    SimulatorConfig cfg = (SimulatorConfig) mapper().readValue(yaml, ComponentConfig.Data.class);

    assertThat(cfg.cascade()).isEqualTo(new SimulatorCascadeConfig(null, 40, 10, null, null, 0.5, null, null));
    assertThat(cfg.cascade().propensitySamples()).isEqualTo(10_000);
    assertThat(((PerUserRatioConfig) cfg.protocol()).unit()).isEqualTo("request");
    assertThat(mapper().readValue(mapper().writeValueAsString(cfg), ComponentConfig.Data.class)).isEqualTo(cfg);
  }

  @Test
  void yaml_openBanditDefaults_ctrByTimeOnClicks() throws Exception {
    OpenBanditConfig cfg = (OpenBanditConfig) mapper().readValue("type: open-bandit\n", ComponentConfig.Data.class);

    assertThat(cfg).isEqualTo(OpenBanditConfig.defaults());
    assertThat(cfg.policy()).isEqualTo("random");
    assertThat(cfg.campaign()).isEqualTo("men");
    assertThat(cfg.protocol()).isEqualTo(new CtrConfig(null, "click", null, null, null, null, true, null));
    DataSource source = registration(Kind.DATA, "open-bandit").create(cfg, CTX);
    assertThat(source).isInstanceOf(OpenBandit.class);
  }

  @Test
  void yaml_csvNestedSections_bind() throws Exception {
    String yaml = "type: csv\nfile: log.tsv\nlabels: [clicked]\nitem-features:\n  file: items.csv\n  fields:\n"
        + "    - {name: tags, kind: multi-categorical, max-length: 4}\n";

    CsvConfig cfg = (CsvConfig) mapper().readValue(yaml, ComponentConfig.Data.class);

    assertThat(cfg.delimiter()).isEqualTo("\t");
    assertThat(cfg.itemFeatures().fields()).containsExactly(new CsvFieldConfig("tags", "multi-categorical", null, 4, null, null));
    assertThat(cfg.labels()).isEqualTo(List.of("clicked"));
  }
}

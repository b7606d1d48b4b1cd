package org.towerlab.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.registry.Registration;
import org.towerlab.registry.TowerlabModule;
import org.towerlab.tracking.local.LocalRunStore;
import org.towerlab.tracking.local.LocalTrackerConfig;
import org.towerlab.tracking.mlflow.MlflowTracker;
import org.towerlab.tracking.mlflow.MlflowTrackerConfig;

class TrackingModuleTest {

  @Test
  void serviceLoader_findsModule() {
    assertThat(ServiceLoader.load(TowerlabModule.class).stream().map(p -> p.type().getName()).toList())
        .contains(TrackingModule.class.getName());
  }

  @Test
  void configure_registersLocalAndMlflowTrackers() {
    Set<Registration> regs = Guice.createInjector(new TrackingModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));

    assertThat(regs).extracting(Registration::name).containsExactlyInAnyOrder("local", "mlflow");
    assertThat(regs).allMatch(r -> r.kind() == Kind.TRACKER);
    Registration mlflow = regs.stream().filter(r -> r.name().equals("mlflow")).findFirst().orElseThrow();
    Object built = mlflow.create(new MlflowTrackerConfig("http://127.0.0.1:1", null, null), null);
    assertThat(built).isInstanceOf(MlflowTracker.class); // no IO in the factory: port 1 is never contacted
    Registration local = regs.stream().filter(r -> r.name().equals("local")).findFirst().orElseThrow();
    assertThat((Object) local.create(new LocalTrackerConfig(), null)).isInstanceOf(LocalRunStore.class);
  }

  @Test
  void yaml_kebabCaseKeys_bindWithDefaults() throws Exception {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    mapper.registerSubtypes(new NamedType(MlflowTrackerConfig.class, "mlflow"),
        new NamedType(LocalTrackerConfig.class, "local"));

    ComponentConfig.Tracker c = mapper.readValue("type: mlflow\nuri: http://h:5000\ninsecure-tls: true\n",
        ComponentConfig.Tracker.class);
    ComponentConfig.Tracker l = mapper.readValue("type: local\n", ComponentConfig.Tracker.class);

    assertThat(c).isEqualTo(new MlflowTrackerConfig("http://h:5000", null, true));
    assertThat(mapper.writeValueAsString(c)).contains("insecure-tls: true");
    assertThat(l).isEqualTo(new LocalTrackerConfig(true));
  }

  @Test
  void mlflowConfig_fileUri_isRejectedWithValue() {
    assertThatThrownBy(() -> new MlflowTrackerConfig("file:///tmp/mlruns", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file:///tmp/mlruns");
  }
}

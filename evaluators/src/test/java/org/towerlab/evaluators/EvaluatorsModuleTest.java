package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.registry.Registration;
import org.towerlab.registry.TowerlabModule;

class EvaluatorsModuleTest {

  @Test
  void serviceLoader_findsModule() {
    List<String> names = ServiceLoader.load(TowerlabModule.class).stream()
        .map(p -> p.type().getName()).toList();

    assertThat(names).contains(EvaluatorsModule.class.getName());
  }

  @Test
  void configure_registersTopkAndPointwiseEvaluators() {
    Set<Registration> registrations = Guice.createInjector(new EvaluatorsModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));

    assertThat(registrations).extracting(Registration::name).containsExactlyInAnyOrder("topk", "pointwise");
    assertThat(registrations).allMatch(r -> r.kind() == Kind.EVALUATOR);
    Registration topk = registrations.stream().filter(r -> r.name().equals("topk")).findFirst().orElseThrow();
    Object built = topk.create(TopKEvaluatorConfig.defaults(), null);
    assertThat(built).isInstanceOf(TopKEvaluator.class);
  }

  @Test
  void yaml_kebabCaseKeys_bindAndRoundTrip() throws Exception {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    mapper.registerSubtypes(new NamedType(TopKEvaluatorConfig.class, "topk"));

    ComponentConfig.Evaluator c = mapper.readValue(
        "type: topk\nks: [5, 100]\nquery-block: 64\nitem-block: 4096\nexclude-seen: false\n",
        ComponentConfig.Evaluator.class);

    assertThat(c).isEqualTo(new TopKEvaluatorConfig(List.of(5, 100), null, 64, 4096, false, null));
    String written = mapper.writeValueAsString(c);
    assertThat(written).contains("query-block: 64").contains("exclude-seen: false");
    assertThat(mapper.readValue(written, ComponentConfig.Evaluator.class)).isEqualTo(c);
  }
}

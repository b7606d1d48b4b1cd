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
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.BuildContext;
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
  void configure_registersEveryEvaluator() {
    Set<Registration> registrations = Guice.createInjector(new EvaluatorsModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));

    assertThat(registrations).extracting(Registration::name)
        .containsExactlyInAnyOrder("topk", "pointwise", "truth", "cascade", "ips");
    assertThat(registrations).allMatch(r -> r.kind() == Kind.EVALUATOR);
    Registration topk = registrations.stream().filter(r -> r.name().equals("topk")).findFirst().orElseThrow();
    Object built = topk.create(TopKEvaluatorConfig.defaults(), context("$.evaluators[3]"));
    assertThat(built).isInstanceOf(TopKEvaluator.class);
    Registration ips = registrations.stream().filter(r -> r.name().equals("ips")).findFirst().orElseThrow();
    Object ipsBuilt = ips.create(IpsEvaluatorConfig.defaults(), context("$.evaluators[4]"));
    assertThat(ipsBuilt).isInstanceOf(IpsEvaluator.class);
    Registration cascade = registrations.stream().filter(r -> r.name().equals("cascade")).findFirst().orElseThrow();
    Object cascadeBuilt = cascade.create(
        new CascadeEvaluatorConfig(null, "truth", null, null, null, null, null, null, null, null), context("$.evaluators[1]"));
    assertThat(cascadeBuilt).isInstanceOf(CascadeEvaluator.class);
  }

  @Test
  void create_withPath_messagesNameTheConfigPath() {
    Set<Registration> registrations = Guice.createInjector(new EvaluatorsModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    Registration truth = registrations.stream().filter(r -> r.name().equals("truth")).findFirst().orElseThrow();

    TruthEvaluator built = (TruthEvaluator) truth.create(TruthEvaluatorConfig.defaults(), context("$.evaluators[2]"));

    assertThat(built.incompatibility(Fixtures.split(1, 1, Fixtures.log(new int[0][], null),
        Fixtures.log(new int[0][], null), java.util.Map.of(), false))).contains("$.evaluators[2]");
  }

  @Test
  void yaml_newOptions_bindAndRoundTrip() throws Exception {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    mapper.registerSubtypes(new NamedType(TopKEvaluatorConfig.class, "topk"),
        new NamedType(CascadeEvaluatorConfig.class, "cascade"), new NamedType(TruthEvaluatorConfig.class, "truth"));

    ComponentConfig.Evaluator topk = mapper.readValue(
        "type: topk\nks: [20]\nlabel: rating\nmin-label: 4\nscorer: ranker\n", ComponentConfig.Evaluator.class);
    ComponentConfig.Evaluator cascade = mapper.readValue("type: cascade\nscorer: pre-ranker\nreference: ranker\n"
        + "candidates: retriever\ncandidate-size: 200\nms: [20, 50]\nks: [10]\n", ComponentConfig.Evaluator.class);
    ComponentConfig.Evaluator truth = mapper.readValue("type: truth\nks: [20]\nscorer: retriever\n",
        ComponentConfig.Evaluator.class);

    assertThat(topk).isEqualTo(new TopKEvaluatorConfig(List.of(20), null, null, null, null, null, "rating", 4.0, "ranker"));
    assertThat(cascade).isEqualTo(new CascadeEvaluatorConfig("pre-ranker", "ranker", "retriever", 200,
        List.of(20, 50), List.of(10), null, null, null, null));
    assertThat(truth).isEqualTo(new TruthEvaluatorConfig(List.of(20), null, null, null, null, "retriever"));
    for (ComponentConfig.Evaluator c : List.of(topk, cascade, truth)) {
      assertThat(mapper.readValue(mapper.writeValueAsString(c), ComponentConfig.Evaluator.class)).isEqualTo(c);
    }
    assertThat(mapper.writeValueAsString(cascade)).contains("candidate-size: 200").contains("reference:");
  }

  private static BuildContext context(String path) {
    return new BuildContext() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public Seeds seeds() {
        return new Seeds(1);
      }

      @Override
      public <T> T build(Kind kind, ComponentConfig config, String key, Class<T> type) {
        throw new UnsupportedOperationException("evaluators build no nested components");
      }

      @Override
      public <T> T service(Class<T> type) {
        throw new UnsupportedOperationException("evaluators use no services");
      }
    };
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

package org.towerlab.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Fixtures.Built;
import org.towerlab.registry.Fixtures.MlpLossConfig;
import org.towerlab.registry.Fixtures.MlpTowerConfig;
import org.towerlab.registry.Fixtures.MixedConfig;
import org.towerlab.registry.Fixtures.TwoTowerConfig;

class RegistryTest {
  private final Registry registry = Registry.of(new Fixtures.CoreModule());

  @Test
  void byKind_towers_sortedNames() {
    assertThat(registry.byKind(Kind.TOWER)).extracting(Registration::name).containsExactly("id-only", "mlp");
    assertThat(registry.byKind(Kind.TOWER)).allSatisfy(
        r -> assertThat(r.module()).isEqualTo(Fixtures.CoreModule.class.getName()));
  }

  @Test
  void all_everyRegistration_sortedByKindThenName() {
    List<Registration> all = registry.all();
    assertThat(all).hasSize(13);
    assertThat(all.get(0).kind()).isEqualTo(Kind.DATA);
    assertThat(all).isSortedAccordingTo(
        java.util.Comparator.comparing(Registration::kind).thenComparing(Registration::name));
  }

  @Test
  void find_sameNameInTwoKinds_eachKindHasItsOwn() {
    assertThat(registry.find(Kind.TOWER, "mlp")).get().extracting(Registration::configClass)
        .isEqualTo(MlpTowerConfig.class);
    assertThat(registry.find(Kind.LOSS, "mlp")).get().extracting(Registration::configClass)
        .isEqualTo(MlpLossConfig.class);
    assertThat(registry.find(Kind.SAMPLER, "mlp")).isEmpty();
  }

  @Test
  void of_duplicateNameInKind_namesNameKindAndBothModules() {
    assertThatThrownBy(() -> Registry.of(new Fixtures.CoreModule(), new Fixtures.ClashingModule()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("tower name 'mlp'")
        .hasMessageContaining(Fixtures.CoreModule.class.getName())
        .hasMessageContaining(Fixtures.ClashingModule.class.getName());
  }

  @Test
  void require_typo_namesPathKnownNamesAndSuggestion() {
    assertThatThrownBy(() -> registry.require(Kind.TOWER, "mpl", "$.model.query-tower.type"))
        .isInstanceOf(UserException.class)
        .hasMessage("Unknown tower type 'mpl' at $.model.query-tower.type. Known: [id-only, mlp]."
            + " Did you mean 'mlp'?");
  }

  @Test
  void require_underscoreSpelling_suggestsKebab() {
    assertThatThrownBy(() -> registry.require(Kind.LOSS, "sampled_softmax", "$.loss.type"))
        .hasMessageEndingWith("Did you mean 'sampled-softmax'?");
  }

  @Test
  void require_farName_noSuggestion() {
    assertThatThrownBy(() -> registry.require(Kind.TOWER, "transformer", "$.model.item-tower.type"))
        .hasMessageContaining("Known: [id-only, mlp].")
        .hasMessageNotContaining("Did you mean");
  }

  @Test
  void mapper_sameNameInTwoKinds_bindsByDeclaredKind() throws Exception {
    ComponentConfig.Tower tower = registry.mapper().readValue("{type: mlp, dims: [8, 4]}", ComponentConfig.Tower.class);
    ComponentConfig.Loss loss = registry.mapper().readValue("{type: mlp}", ComponentConfig.Loss.class);
    assertThat(tower).isEqualTo(new MlpTowerConfig(List.of(8, 4), 0.0));
    assertThat(loss).isEqualTo(new MlpLossConfig(16));
  }

  @Test
  void mapper_kebabKeysAndJson_bind() throws Exception {
    ComponentConfig.Data data = registry.mapper().readValue(
        "{\"type\": \"toy\", \"min-rating\": 4}", ComponentConfig.Data.class);
    assertThat(data).isEqualTo(new Fixtures.ToyDataConfig("toy", 4, new Fixtures.HoldoutConfig(0.2)));
  }

  @Test
  void mapper_nameOfOtherKind_rejected() {
    assertThatThrownBy(() -> registry.mapper().readValue("{type: dot}", ComponentConfig.Tower.class))
        .isInstanceOf(InvalidTypeIdException.class);
  }

  @Test
  void build_nestedComponents_pathsAppendedAndSeedsPerPath() {
    TwoTowerConfig model = new TwoTowerConfig(new MlpTowerConfig(null, null), new MlpTowerConfig(null, null), null);
    Built built = registry.build(Kind.MODEL, model, "$.model", new Seeds(7), Built.class);
    assertThat(built.children()).extracting(Built::path)
        .containsExactly("$.model.query-tower", "$.model.item-tower", "$.model.interaction");
    assertThat(built.children().get(0).seed()).isNotEqualTo(built.children().get(1).seed());
    Built again = registry.build(Kind.MODEL, model, "$.model", new Seeds(7), Built.class);
    assertThat(again.children().get(0).seed()).isEqualTo(built.children().get(0).seed());
  }

  @Test
  void build_factoryRejectsConfig_userExceptionNamesPath() {
    assertThatThrownBy(() -> registry.build(Kind.SAMPLER, new MixedConfig(5000), "$.sampler", new Seeds(1), Built.class))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.sampler")
        .hasMessageContaining("negatives too large: 5000");
  }

  @Test
  void build_wrongResultType_illegalState() {
    assertThatThrownBy(() -> registry.build(Kind.SAMPLER, new MixedConfig(1), "$.sampler", new Seeds(1), String.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'mixed'");
  }

  @Test
  void build_missingSection_userExceptionListsNames() {
    assertThatThrownBy(() -> registry.build(Kind.LOSS, null, "$.loss", new Seeds(1), Built.class))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.loss")
        .hasMessageContaining("[mlp, sampled-softmax]");
  }

  @Test
  void toYaml_record_kebabKeysAndType() {
    JsonNode tree = registry.mapper().valueToTree(new Fixtures.ToyDataConfig(null, 3, null));
    String yaml = registry.toYaml(tree);
    assertThat(yaml).contains("type: toy").contains("min-rating: 3").contains("type: holdout")
        .doesNotStartWith("---");
  }

  @Test
  void discover_serviceFile_findsListedModule() {
    Registry found = Registry.discover();
    assertThat(found.find(Kind.TOWER, "discovered")).isPresent();
    assertThat(found.modules()).contains(DiscoveredModule.class.getName());
  }
}

package org.towerlab.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.registry.ComponentDescriber.Description;
import org.towerlab.registry.ComponentDescriber.Field;

class ComponentDescriberTest {
  private final Registry registry = Registry.of(new Fixtures.CoreModule());
  private final ComponentDescriber describer = new ComponentDescriber(registry);

  @Test
  void describe_defaultsFromCompactConstructor_typesAndValues() {
    Description d = describer.describe(registry.require(Kind.DATA, "toy", "$"));
    assertThat(d.fields()).containsExactly(
        new Field("path", "string", "toy", false),
        new Field("min-rating", "int", "0", false),
        new Field("protocol", "protocol", "{type: holdout}", false));
    assertThat(d.requiredReason()).isNull();
    assertThat(d.module()).isEqualTo(Fixtures.CoreModule.class.getName());
  }

  @Test
  void describe_listField_listType() {
    Description d = describer.describe(registry.require(Kind.TOWER, "mlp", "$"));
    assertThat(d.fields()).contains(new Field("dims", "list<int>", "[64]", false),
        new Field("dropout", "number", "0.0", false));
  }

  @Test
  void describe_constructorRejectsNulls_fieldsRequired() {
    Description d = describer.describe(registry.require(Kind.MODEL, "two-tower", "$"));
    assertThat(d.fields()).containsExactly(new Field("query-tower", "tower", null, true),
        new Field("item-tower", "tower", null, true), new Field("interaction", "interaction", "{type: dot}", false));
    assertThat(d.requiredReason()).contains("query-tower and item-tower are required");
  }

  @Test
  void describe_messageNamesNoKey_allRequired() {
    Registry r = Registry.of(new Fixtures.StrictModule());
    Description d = new ComponentDescriber(r).describe(r.require(Kind.LOSS, "strict", "$"));
    assertThat(d.fields()).extracting(Field::required).containsExactly(true, true);
  }

  @Test
  void describeAll_everyRegistration() {
    assertThat(describer.describeAll()).hasSize(registry.all().size());
  }
}

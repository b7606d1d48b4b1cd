package org.towerlab.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The dependency rules of the house style, checked on the classes of every module on the classpath. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.towerlab");
  }

  @Test
  void imported_apiAndRegistry_present() {
    assertThat(classes.containPackage("org.towerlab.api")).isTrue();
    assertThat(classes.containPackage("org.towerlab.registry")).isTrue();
  }

  @Test
  void api_noGuiceNoMlflow() {
    noClasses().that().resideInAPackage("org.towerlab.api..")
        .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "org.mlflow..")
        .check(classes);
  }

  @Test
  void modules_noDependenciesBetweenPaperModules() {
    slices().matching("org.towerlab.modules.(*)..").should().notDependOnEachOther()
        .allowEmptyShould(true)
        .check(classes);
  }
}

package dev.taskrunner.backup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package rules: no other task's packages, no cycles, details never reach back to the top. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.taskrunner.backup");

  @Test
  void doesNotDependOnOtherTasks() {
    noClasses()
        .that()
        .resideInAPackage("dev.taskrunner.backup..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.taskrunner.cleanup..", "dev.taskrunner.certcheck..")
        .check(CLASSES);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.taskrunner.backup.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void subpackagesDoNotDependOnTheCommandPackage() {
    noClasses()
        .that()
        .resideInAPackage("dev.taskrunner.backup.*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.taskrunner.backup")
        .check(CLASSES);
  }
}

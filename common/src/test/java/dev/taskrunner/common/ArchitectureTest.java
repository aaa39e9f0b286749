package dev.taskrunner.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Module rules (Jib's STYLE_GUIDE, Micrometer's ArchUnit tests): common knows no task; no cycles.
 */
class ArchitectureTest {
  private static final JavaClasses COMMON =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.taskrunner.common");

  @Test
  void commonDependsOnNoTask() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.taskrunner.backup..", "dev.taskrunner.cleanup..", "dev.taskrunner.certcheck..")
        .check(COMMON);
  }

  @Test
  void subpackagesAreFreeOfCycles() {
    slices().matching("dev.taskrunner.common.(*)..").should().beFreeOfCycles().check(COMMON);
  }

  @Test
  void subpackagesDoNotReachBackIntoTheLauncher() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.taskrunner.common.*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.taskrunner.common")
        .check(COMMON);
  }
}

package dev.taskrunner.certcheck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Package rules: no other task, no cycles, details never reach back to the command, result alone.
 */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.taskrunner.certcheck");

  @Test
  void doesNotDependOnOtherTasks() {
    noClasses()
        .that()
        .resideInAPackage("dev.taskrunner.certcheck..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.taskrunner.backup..", "dev.taskrunner.cleanup..")
        .check(CLASSES);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.taskrunner.certcheck.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void subpackagesDoNotDependOnTheCommandPackage() {
    noClasses()
        .that()
        .resideInAPackage("dev.taskrunner.certcheck.*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.taskrunner.certcheck")
        .check(CLASSES);
  }

  @Test
  void resultTypesDependOnNoOtherPackageOfTheTask() {
    noClasses()
        .that()
        .resideInAPackage("dev.taskrunner.certcheck.result..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.taskrunner.certcheck.chain..",
            "dev.taskrunner.certcheck.endpoint..",
            "dev.taskrunner.certcheck.file..",
            "dev.taskrunner.certcheck.kubernetes..",
            "dev.taskrunner.certcheck.report..",
            "dev.taskrunner.certcheck.decode..",
            "dev.taskrunner.certcheck.target..")
        .check(CLASSES);
  }
}

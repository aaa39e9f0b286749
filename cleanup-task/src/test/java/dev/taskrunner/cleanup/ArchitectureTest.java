package dev.taskrunner.cleanup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.taskrunner.cleanup",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noOtherTasks =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.taskrunner.backup..", "dev.taskrunner.certcheck..");

  @ArchTest
  static final ArchRule packagesFreeOfCycles =
      slices().matching("dev.taskrunner.cleanup.(*)..").should().beFreeOfCycles();

  /** The walker and rules are the API's details: they never reach back into the command. */
  @ArchTest
  static final ArchRule detailsDoNotDependOnTheCommand =
      noClasses()
          .that()
          .resideInAnyPackage("dev.taskrunner.cleanup.*..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.taskrunner.cleanup");

  /** No subprocess, ever (CVE-2000-0816): the task must not be able to run a shell. */
  @ArchTest
  static final ArchRule noProcesses =
      noClasses()
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.ProcessBuilder")
          .orShould()
          .callMethod(Runtime.class, "exec", String.class);
}

package dev.taskrunner.cleanup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.SecureDirectoryStream;
import java.util.Set;

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

  /** The java.nio.file.Files methods the task may call: all of them only read. */
  private static final Set<String> READING_FILES_METHODS =
      Set.of("readAttributes", "newDirectoryStream", "readAllLines", "getAttribute");

  /**
   * The task changes nothing but unlinking selected entries, relative to a directory handle
   * (SecureDirectoryStream.deleteFile/deleteDirectory): no chmod, utime, rename, write, nor a
   * path-based delete (which re-resolves the path and is racy).
   */
  @ArchTest
  static final ArchRule noOtherFileSystemMutation =
      noClasses()
          .should()
          .callMethodWhere(
              new DescribedPredicate<JavaMethodCall>(
                  "a java.nio.file.Files method other than " + READING_FILES_METHODS) {
                @Override
                public boolean test(JavaMethodCall call) {
                  return call.getTargetOwner().isEquivalentTo(Files.class)
                      && !READING_FILES_METHODS.contains(call.getName());
                }
              })
          .orShould()
          .callMethodWhere(
              new DescribedPredicate<JavaMethodCall>("SecureDirectoryStream.move") {
                @Override
                public boolean test(JavaMethodCall call) {
                  return call.getTargetOwner().isAssignableTo(SecureDirectoryStream.class)
                      && call.getName().equals("move");
                }
              })
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.io.FileOutputStream")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.io.RandomAccessFile")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.nio.channels.FileChannel")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.nio.file.attribute.PosixFileAttributeView");
}

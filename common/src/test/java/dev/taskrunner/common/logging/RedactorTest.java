package dev.taskrunner.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {

  @Test
  void registeredValueAndItsUrlEncodedFormAreMasked() {
    Redactor r = new Redactor();
    r.register("p@ss w:rd/%");
    assertThat(r.redact("pw=p@ss w:rd/% in url p%40ss+w%3Ard%2F%25"))
        .doesNotContain("p@ss w:rd/%")
        .doesNotContain("p%40ss+w%3Ard%2F%25");
  }

  @Test
  void longerSecretContainingAShorterOneIsMaskedWhole() {
    Redactor r = new Redactor();
    r.register("abc");
    r.register("abcdef");
    assertThat(r.redact("x abcdef y")).isEqualTo("x *** y");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "password=hunter22",
        "PGPASSWORD: hunter22",
        "secret_key=\"hunter22\"",
        "postgres://app:hunter22@db:5432/app",
        "https://b.s3.amazonaws.com/k?X-Amz-Signature=hunter22&x=1",
        "token=hunter22;"
      })
  void unregisteredCredentialPatternsAreMasked(String line) {
    assertThat(new Redactor().redact(line)).doesNotContain("hunter22").contains("***");
  }

  @Test
  void ordinaryTextIsUntouched() {
    String line = "uploaded part 3 of app/app-20261203T020000Z.dump (5 MiB)";
    assertThat(new Redactor().redact(line)).isEqualTo(line);
  }
}

package dev.taskrunner.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        // Near misses of the pre-check's literals: mixed case, short forms, other separators.
        "Password=hunter22",
        "PaSsWd = hunter22",
        "PWD: hunter22",
        "pwd:hunter22",
        "SECRET:'hunter22'",
        "X-Api-Key: hunter22",
        "accessKey=hunter22",
        "Secret-Key=hunter22",
        "CREDENTIAL=hunter22",
        "Authorization: hunter22",
        "{\"token\": \"hunter22\"}",
        "the url https://bob:hunter22@example.com/x has no keyword",
        "JDBC:POSTGRESQL://u:hunter22@db/app",
        "s3://AKIA:hunter22@bucket",
        "?x-amz-signature=hunter22",
        "&X-AMZ-SECURITY-TOKEN=hunter22&",
        "signature=hunter22"
      })
  void nearMissesOfThePreCheckAreStillMasked(String line) {
    assertThat(new Redactor().redact(line)).doesNotContain("hunter22").contains("***");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Authorization: Bearer hunter22",
        "authorization=Basic hunter22",
        "Proxy-Authorization: Negotiate hunter22",
        "{\"Authorization\": \"Bearer hunter22\"}"
      })
  void authorizationCredentialAfterTheSchemeIsMasked(String line) {
    // Masking only the first word left the bearer token itself in the line.
    assertThat(new Redactor().redact(line)).doesNotContain("hunter22").contains("***");
  }

  @Test
  void authorizationSchemeStaysReadable() {
    assertThat(new Redactor().redact("Authorization: Bearer hunter22 sent"))
        .isEqualTo("Authorization: Bearer *** sent");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-04T03:01:52.123Z",
        "dev.taskrunner.certcheck.EndpointChain",
        "uploaded part 3 of app/app-20261203T020000Z.dump (5 MiB)",
        "example.com:443 OK, 42 days left",
        "mail user@example.com",
        "a=b c=d"
      })
  void ordinaryTextSkipsEveryPattern(String line) {
    for (int i = 0; i < 4; i++) {
      assertThat(CredentialHints.mayMatch(i, line)).as("pattern %d on '%s'", i, line).isFalse();
    }
  }

  @Test
  void nonAsciiLookAlikesAreTreatedLikeThePatternsTreatThem() {
    // The patterns' (?i) folds ASCII only: the Kelvin sign is not a 'k' to them, nor to the hints.
    String kelvin = "api\u212Aey=hunter22";
    Redactor r = new Redactor();
    assertThat(r.redact(kelvin)).isEqualTo(r.applyPatterns(kelvin, false));
  }

  /**
   * The pre-check only skips work: on many strings built from the patterns' own pieces (keywords in
   * every case, separators, URL parts, quotes, spaces), redaction with it equals redaction without.
   */
  @Test
  void preCheckNeverChangesTheResult() {
    List<String> pieces =
        List.of(
            "pass",
            "PASS",
            "Password",
            "passwd",
            "pwd",
            "PwD",
            "secret",
            "SeCrEt",
            "token",
            "TOKEN",
            "key",
            "KEY",
            "api",
            "access",
            "_",
            "-",
            "credential",
            "Authorization",
            "signature",
            "X-Amz-",
            "Security-",
            "=",
            ":",
            " ",
            "  ",
            "\"",
            "'",
            "://",
            "@",
            "/",
            "http",
            "s3",
            "user",
            "hunter22",
            "&",
            ",",
            ";",
            "?",
            "x",
            "\n",
            "\u212A",
            "\u017F");
    Random random = new Random(20261204L);
    Redactor r = new Redactor();
    List<String> differing = new ArrayList<>();
    int masked = 0;
    for (int n = 0; n < 200_000; n++) {
      StringBuilder text = new StringBuilder();
      int parts = 1 + random.nextInt(8);
      for (int k = 0; k < parts; k++) {
        text.append(pieces.get(random.nextInt(pieces.size())));
      }
      String s = text.toString();
      String reference = r.applyPatterns(s, false);
      if (!r.applyPatterns(s, true).equals(reference)) {
        differing.add(s);
      }
      if (!reference.equals(s)) {
        masked++;
      }
    }
    assertThat(differing).isEmpty();
    // Not vacuous: a good share of the strings hold something the patterns mask.
    assertThat(masked).isGreaterThan(5_000);
  }
}

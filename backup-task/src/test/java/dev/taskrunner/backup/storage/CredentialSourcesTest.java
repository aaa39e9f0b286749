package dev.taskrunner.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSourcesTest {
  @TempDir Path home;

  @Test
  void nothingSetIsNoSource() {
    assertThat(CredentialSources.configured(Map.<String, String>of()::get, k -> null, home))
        .isEmpty();
  }

  @Test
  void anEmptyVariableIsUnset() {
    assertThat(
            CredentialSources.configured(
                Map.of("AWS_ACCESS_KEY_ID", "", "AWS_PROFILE", " ")::get, k -> null, home))
        .isEmpty();
  }

  @Test
  void eachSourceOfTheChainIsNamed() throws Exception {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/config"), "[default]\nregion = eu-central-1\n");
    assertThat(
            CredentialSources.configured(
                Map.of(
                        "AWS_ACCESS_KEY_ID", "AKIA",
                        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token",
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1")
                    ::get,
                k -> null,
                home))
        .hasSize(4)
        .anyMatch(s -> s.startsWith("AWS_ACCESS_KEY_ID"))
        .anyMatch(s -> s.startsWith("web identity"))
        .anyMatch(s -> s.startsWith("container"))
        .anyMatch(s -> s.startsWith("profile"));
  }

  @Test
  void systemPropertiesCountLikeTheirVariables() {
    assertThat(
            CredentialSources.configured(
                Map.<String, String>of()::get, Map.of("aws.webIdentityTokenFile", "/t")::get, home))
        .containsExactly("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
  }
}

package dev.taskrunner.backup.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The AWS SDK's default credentials chain, with failures a person can act on. The chain's own error
 * lists every provider it tried in one line of about 1,400 characters and cannot say whether
 * anything was configured; this names the sources that were (environment keys, web identity,
 * container credentials, a profile) and, when there were none, what to set.
 *
 * <p>The instance role (IMDS) is always tried last by the chain but never counts as configured:
 * where it works there is no failure to explain, and where it does not (off EC2, or a pod behind an
 * IMDS hop limit of 1) nothing else was set either, so a retry cannot help.
 */
public final class CredentialSources implements AwsCredentialsProvider {
  static final String WHAT_TO_SET =
      "no S3 credentials: set BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY (or their"
          + " _FILE forms), or the AWS chain: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, web"
          + " identity AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (IRSA), a profile (AWS_PROFILE,"
          + " ~/.aws/credentials) or an instance role";

  private static final int MAX_CAUSE = 200;

  private final AwsCredentialsProvider chain;
  private final List<String> configured;

  CredentialSources(AwsCredentialsProvider chain, List<String> configured) {
    this.chain = chain;
    this.configured = List.copyOf(configured);
  }

  /** The default chain, with the sources the process environment and system properties set. */
  static CredentialSources defaultChain() {
    return new CredentialSources(
        DefaultCredentialsProvider.builder().build(),
        configured(System::getenv, System::getProperty, userHome()));
  }

  /**
   * The credential sources of the SDK's default chain that {@code env} and {@code properties}
   * configure, as the user would name them; empty when there are none.
   */
  static List<String> configured(
      Function<String, String> env, Function<String, String> properties, Path home) {
    List<String> sources = new ArrayList<>();
    if (set(env, "AWS_ACCESS_KEY_ID") || set(properties, "aws.accessKeyId")) {
      sources.add("AWS_ACCESS_KEY_ID");
    }
    if (set(env, "AWS_WEB_IDENTITY_TOKEN_FILE") || set(properties, "aws.webIdentityTokenFile")) {
      sources.add("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
    }
    if (set(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        || set(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      sources.add("container credentials (AWS_CONTAINER_CREDENTIALS_*_URI)");
    }
    Path credentials =
        set(env, "AWS_SHARED_CREDENTIALS_FILE")
            ? Path.of(env.apply("AWS_SHARED_CREDENTIALS_FILE"))
            : home.resolve(".aws").resolve("credentials");
    Path config =
        set(env, "AWS_CONFIG_FILE")
            ? Path.of(env.apply("AWS_CONFIG_FILE"))
            : home.resolve(".aws").resolve("config");
    if (set(env, "AWS_PROFILE") || Files.exists(credentials) || Files.exists(config)) {
      sources.add("profile (AWS_PROFILE, " + credentials + ", " + config + ")");
    }
    return sources;
  }

  private static boolean set(Function<String, String> lookup, String name) {
    String value = lookup.apply(name);
    return value != null && !value.isBlank();
  }

  /** Where the SDK looks for ~/.aws: HOME first, as its ProfileFileLocation does. */
  private static Path userHome() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  @Override
  public AwsCredentials resolveCredentials() {
    try {
      return chain.resolveCredentials();
    } catch (SdkClientException e) {
      if (configured.isEmpty()) {
        throw new S3CredentialsUnavailable(false, WHAT_TO_SET, e);
      }
      throw new S3CredentialsUnavailable(
          true,
          "S3 credentials from "
              + String.join(" or ", configured)
              + " could not be loaded: "
              + innermost(e),
          e);
    }
  }

  /**
   * What the configured providers said, shortened. The chain's message is "Unable to load ... :
   * [SystemPropertyCredentialsProvider(): ..., WebIdentityTokenFileCredentialsProvider(): ...,
   * ...]"; only the parts of configured providers are kept (the rest only say "not set").
   */
  private String innermost(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    m = m.replaceAll("\\s+", " ");
    List<String> parts = new ArrayList<>();
    Matcher part = PROVIDER_PART.matcher(m);
    while (part.find()) {
      String provider = part.group(1);
      boolean relevant = configured.stream().anyMatch(c -> provider.startsWith(providerOf(c)));
      if (relevant) {
        parts.add(part.group(2).trim());
      }
    }
    String said = parts.isEmpty() ? m : String.join("; ", parts);
    return said.length() <= MAX_CAUSE ? said : said.substring(0, MAX_CAUSE) + "...";
  }

  private static final Pattern PROVIDER_PART =
      Pattern.compile(
          "(\\w+CredentialsProvider)\\([^)]*\\): (.*?)(?=, \\w+CredentialsProvider\\(|]$|$)");

  /** The SDK provider class that reads a source named by {@link #configured}. */
  private static String providerOf(String source) {
    if (source.startsWith("AWS_ACCESS_KEY_ID")) {
      return "EnvironmentVariable";
    }
    if (source.startsWith("web identity")) {
      return "WebIdentityTokenFile";
    }
    if (source.startsWith("container")) {
      return "Container";
    }
    return "Profile";
  }
}

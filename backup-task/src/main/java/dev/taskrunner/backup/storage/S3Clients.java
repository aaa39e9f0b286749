package dev.taskrunner.backup.storage;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the one sync S3 client a run uses. */
public final class S3Clients {
  private S3Clients() {}

  public static S3Client create(S3Settings settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60))
                    .build())
            // Our Retrier is the only retry layer, so every attempt is logged with its cause and
            // a part is retried from its own buffer.
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .forcePathStyle(settings.pathStyle())
            .requestChecksumCalculation(
                settings.checksumMode() == S3Settings.ChecksumMode.WHEN_REQUIRED
                    ? RequestChecksumCalculation.WHEN_REQUIRED
                    : RequestChecksumCalculation.WHEN_SUPPORTED)
            .responseChecksumValidation(
                settings.checksumMode() == S3Settings.ChecksumMode.WHEN_REQUIRED
                    ? ResponseChecksumValidation.WHEN_REQUIRED
                    : ResponseChecksumValidation.WHEN_SUPPORTED)
            .region(region(settings))
            .credentialsProvider(credentials(settings));
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static Region region(S3Settings settings) {
    if (settings.region().isPresent()) {
      return Region.of(settings.region().get());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (RuntimeException e) {
      // S3-compatible stores rarely care about the region, but the signer needs one.
      return Region.US_EAST_1;
    }
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    if (settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(
              settings.accessKeyId().get(), settings.secretAccessKey().get().reveal()));
    }
    return CredentialSources.defaultChain();
  }
}

package dev.taskrunner.backup.storage;

import dev.taskrunner.common.TaskFailure;
import dev.taskrunner.common.retry.Retrier;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The S3 calls besides the upload itself, each under the shared retry policy: bucket check, HEAD,
 * paginated listing, small PUTs (manifests), GET, and deletes with a single-object fallback.
 */
public final class ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

  private final S3Client s3;
  private final S3Settings settings;
  private final Retrier retrier;

  public ObjectStore(S3Client s3, S3Settings settings, Retrier retrier) {
    this.s3 = s3;
    this.settings = settings;
    this.retrier = retrier;
  }

  public S3Client client() {
    return s3;
  }

  public S3Settings settings() {
    return settings;
  }

  public Retrier retrier() {
    return retrier;
  }

  /**
   * Where {@code key} lives, for error messages: {@code s3://bucket/key at <endpoint>}, the
   * endpoint without user-info, query or fragment, so a credential written into the URL stays out.
   *
   * @param key object key, or null for the bucket alone
   */
  public String location(String key) {
    Optional<URI> endpoint =
        settings.endpoint().or(() -> s3.serviceClientConfiguration().endpointOverride());
    String where =
        endpoint
            .map(ObjectStore::withoutCredentials)
            .orElseGet(() -> "AWS S3 (" + s3.serviceClientConfiguration().region() + ")");
    return "s3://" + settings.bucket() + (key == null ? "" : "/" + key) + " at " + where;
  }

  static String withoutCredentials(URI endpoint) {
    try {
      return new URI(
              endpoint.getScheme(),
              null,
              endpoint.getHost(),
              endpoint.getPort(),
              endpoint.getPath(),
              null,
              null)
          .toString();
    } catch (URISyntaxException e) {
      return endpoint.getScheme() + "://" + endpoint.getHost();
    }
  }

  /**
   * The S3 error that {@code failure} carries (itself or a cause, e.g. inside a part upload's
   * IOException), if there is one.
   */
  public static Optional<SdkException> s3Cause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SdkException e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * An S3 failure the retry policy gave up on (or would not retry), as one line that names the
   * endpoint, bucket and key: the SDK's own message names none of them.
   *
   * @param doing what the task was doing, e.g. {@code storing the backup of app}
   * @param key the object concerned, or null for the bucket
   */
  public TaskFailure failure(String doing, String key, Exception failure) {
    Optional<S3CredentialsUnavailable> credentials = S3CredentialsUnavailable.in(failure);
    if (credentials.isPresent()) {
      if (!credentials.get().configured()) {
        return TaskFailure.usage("s3_credentials_missing", credentials.get().getMessage());
      }
      return TaskFailure.failed(
          "s3_credentials_failed",
          doing + " on " + location(key) + ": " + credentials.get().getMessage(),
          failure);
    }
    SdkException cause = s3Cause(failure).orElse(null);
    String detail;
    if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      detail =
          service.statusCode()
              + " "
              + service.awsErrorDetails().errorCode()
              + ": "
              + service.awsErrorDetails().errorMessage();
    } else {
      detail = (cause == null ? failure : cause).getMessage();
    }
    boolean retried = S3RetryClassifier.INSTANCE.isRetryable(failure);
    return TaskFailure.failed(
        "s3_failed",
        doing
            + ": S3 request on "
            + location(key)
            + (retried ? " failed after retries: " : " failed (not retryable): ")
            + detail,
        failure);
  }

  /** HeadBucket: proves the bucket exists and the credentials reach it. */
  public void checkBucket() throws Exception {
    retrier.call(
        "s3.head_bucket",
        S3RetryClassifier.INSTANCE,
        () -> s3.headBucket(HeadBucketRequest.builder().bucket(settings.bucket()).build()));
  }

  public Optional<HeadObjectResponse> head(String key) throws Exception {
    try {
      return Optional.of(
          retrier.call(
              "s3.head_object",
              S3RetryClassifier.INSTANCE,
              () ->
                  s3.headObject(
                      HeadObjectRequest.builder().bucket(settings.bucket()).key(key).build())));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every object under {@code prefix}, following continuation tokens. */
  public List<S3Object> list(String prefix) throws Exception {
    List<S3Object> out = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder req =
          ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix).maxKeys(1000);
      if (token != null) {
        req.continuationToken(token);
      }
      ListObjectsV2Request request = req.build();
      ListObjectsV2Response page =
          retrier.call(
              "s3.list_objects", S3RetryClassifier.INSTANCE, () -> s3.listObjectsV2(request));
      out.addAll(page.contents());
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  /** PUT of a small document (a manifest), with the run's encryption settings. */
  public void putSmall(String key, byte[] body, String contentType) throws Exception {
    var req =
        software.amazon.awssdk.services.s3.model.PutObjectRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .contentType(contentType);
    switch (settings.sse()) {
      case "aes256" -> req.serverSideEncryption(ServerSideEncryption.AES256);
      case "aws:kms" -> {
        req.serverSideEncryption(ServerSideEncryption.AWS_KMS);
        settings.kmsKeyId().ifPresent(req::ssekmsKeyId);
      }
      default -> {}
    }
    if (settings.partMd5()) {
      req.contentMD5(
          java.util.Base64.getEncoder()
              .encodeToString(java.security.MessageDigest.getInstance("MD5").digest(body)));
    }
    var request = req.build();
    retrier.call(
        "s3.put_object",
        S3RetryClassifier.INSTANCE,
        () -> s3.putObject(request, RequestBody.fromBytes(body)));
  }

  public byte[] getSmall(String key) throws Exception {
    return retrier.call(
        "s3.get_object",
        S3RetryClassifier.INSTANCE,
        () ->
            s3.getObjectAsBytes(
                    GetObjectRequest.builder().bucket(settings.bucket()).key(key).build())
                .asByteArray());
  }

  /** Opens an object for streaming (not retried mid-stream: the caller checks size and hash). */
  public InputStream open(String key) throws Exception {
    return retrier.call(
        "s3.get_object",
        S3RetryClassifier.INSTANCE,
        () -> s3.getObject(GetObjectRequest.builder().bucket(settings.bucket()).key(key).build()));
  }

  /**
   * Replaces an object's user metadata by copying it onto itself (server-side), so the SHA-256
   * known only at the end can be stored with the object. Only for objects up to 5 GiB (S3's limit
   * of a single CopyObject); larger ones carry it in the manifest.
   */
  public void replaceMetadata(String key, Map<String, String> metadata) throws Exception {
    var req =
        CopyObjectRequest.builder()
            .sourceBucket(settings.bucket())
            .sourceKey(key)
            .destinationBucket(settings.bucket())
            .destinationKey(key)
            .metadataDirective(MetadataDirective.REPLACE)
            .contentType("application/octet-stream")
            .metadata(metadata);
    switch (settings.sse()) {
      case "aes256" -> req.serverSideEncryption(ServerSideEncryption.AES256);
      case "aws:kms" -> {
        req.serverSideEncryption(ServerSideEncryption.AWS_KMS);
        settings.kmsKeyId().ifPresent(req::ssekmsKeyId);
      }
      default -> {}
    }
    settings.storageClass().ifPresent(req::storageClass);
    var request = req.build();
    retrier.call("s3.copy_object", S3RetryClassifier.INSTANCE, () -> s3.copyObject(request));
  }

  /**
   * Deletes keys: DeleteObjects in batches of 1000, falling back to one DeleteObject per key when a
   * store rejects the batch call (many S3-compatible stores refuse its checksum headers).
   *
   * @return keys that could not be deleted
   */
  public List<String> delete(List<String> keys) throws Exception {
    List<String> failed = new ArrayList<>();
    boolean batch = true;
    for (int i = 0; i < keys.size(); i += 1000) {
      List<String> slice = keys.subList(i, Math.min(keys.size(), i + 1000));
      if (batch) {
        try {
          DeleteObjectsRequest request =
              DeleteObjectsRequest.builder()
                  .bucket(settings.bucket())
                  .delete(
                      Delete.builder()
                          .objects(
                              slice.stream()
                                  .map(k -> ObjectIdentifier.builder().key(k).build())
                                  .toList())
                          .quiet(true)
                          .build())
                  .build();
          DeleteObjectsResponse response =
              retrier.call(
                  "s3.delete_objects", S3RetryClassifier.INSTANCE, () -> s3.deleteObjects(request));
          response.errors().forEach(e -> failed.add(e.key()));
          continue;
        } catch (S3Exception e) {
          if (e.statusCode() == 403) {
            throw e;
          }
          LOG.warn(
              "batch delete rejected ({} {}); deleting one object at a time",
              e.statusCode(),
              e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode());
          batch = false;
        }
      }
      for (String key : slice) {
        try {
          retrier.call(
              "s3.delete_object",
              S3RetryClassifier.INSTANCE,
              () ->
                  s3.deleteObject(
                      DeleteObjectRequest.builder().bucket(settings.bucket()).key(key).build()));
        } catch (S3Exception e) {
          LOG.warn("delete of {} failed: {}", key, e.getMessage());
          failed.add(key);
        }
      }
    }
    return failed;
  }
}

package dev.taskrunner.backup.storage;

import dev.taskrunner.common.retry.Retrier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An {@link OutputStream} that becomes one S3 object through the low-level multipart API, with
 * memory bounded by {@code (partsInFlight + 1) × partSize}: bytes fill a part buffer; a full buffer
 * goes to a small upload pool while the writer fills the next; when every buffer is in flight the
 * writer blocks (backpressure reaches pg_dump through its pipe). A buffer is reused only after S3
 * acknowledged its part, so a retried part resends exactly the same bytes.
 *
 * <p>The object exists only after {@link #complete()}; {@link #abort()} (on any failure, and from
 * the SIGTERM action) calls AbortMultipartUpload itself, because cancelling work or closing the
 * client leaves the parts behind on the server.
 */
public final class MultipartUploadSink extends OutputStream {
  private static final Logger LOG = LoggerFactory.getLogger(MultipartUploadSink.class);

  /** S3's hard limit on parts per upload. */
  public static final int MAX_PARTS = 10_000;

  /** S3's minimum size of every part but the last. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** How long an abort waits for part uploads on the wire before (and again after) aborting. */
  private static final Duration ABORT_PART_WAIT = Duration.ofSeconds(5);

  /** Largest part we use: a Java array, and well below S3's 5 GiB. */
  public static final long MAX_PART_SIZE = 2L * 1024 * 1024 * 1024 - 1024 * 1024;

  private final S3Client s3;
  private final S3Settings settings;
  private final String key;
  private final String uploadId;
  private final int partSize;
  private final Retrier retrier;
  private final ExecutorService pool;
  private final BlockingQueue<byte[]> freeBuffers;
  private final List<Future<?>> inFlight = new ArrayList<>();
  private final Map<Integer, CompletedPart> done = new ConcurrentSkipListMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong bytesUploaded = new AtomicLong();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicReference<CompletableFuture<Void>> aborting = new AtomicReference<>();
  private final int maxBuffers;
  private final int maxParts;
  private int allocated;
  private byte[] current;
  private int filled;
  private int nextPart = 1;
  private long bytesWritten;

  private MultipartUploadSink(
      S3Client s3,
      S3Settings settings,
      String key,
      String uploadId,
      int partSize,
      int partsInFlight,
      Retrier retrier,
      int maxParts) {
    this.s3 = s3;
    this.maxParts = maxParts;
    this.settings = settings;
    this.key = key;
    this.uploadId = uploadId;
    this.partSize = partSize;
    this.retrier = retrier;
    this.pool =
        Executors.newFixedThreadPool(
            partsInFlight, Thread.ofPlatform().daemon().name("s3-part-", 1).factory());
    this.maxBuffers = partsInFlight + 1;
    this.freeBuffers = new ArrayBlockingQueue<>(maxBuffers);
  }

  /**
   * Starts a multipart upload (CreateMultipartUpload) with the given user metadata.
   *
   * @param lockUntil retain-until for Object Lock, or null
   */
  public static MultipartUploadSink start(
      S3Client s3,
      S3Settings settings,
      String key,
      Map<String, String> metadata,
      Instant lockUntil,
      long partSize,
      int partsInFlight,
      Retrier retrier)
      throws Exception {
    return start(
        s3, settings, key, metadata, lockUntil, partSize, partsInFlight, retrier, MAX_PARTS);
  }

  /** As above, with a lower part limit than S3's, so a test can reach it with little data. */
  static MultipartUploadSink start(
      S3Client s3,
      S3Settings settings,
      String key,
      Map<String, String> metadata,
      Instant lockUntil,
      long partSize,
      int partsInFlight,
      Retrier retrier,
      int maxParts)
      throws Exception {
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException("part size out of range: " + partSize);
    }
    CreateMultipartUploadRequest.Builder req =
        CreateMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(key)
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
    if (!settings.tags().isEmpty()) {
      req.tagging(ObjectTags.encode(settings.tags()));
    }
    if (settings.objectLockMode().isPresent() && lockUntil != null) {
      req.objectLockMode(
          ObjectLockMode.fromValue(settings.objectLockMode().get().toUpperCase(Locale.ROOT)));
      req.objectLockRetainUntilDate(lockUntil);
    }
    String uploadId =
        retrier
            .call(
                "s3.create_multipart_upload",
                S3RetryClassifier.INSTANCE,
                () -> s3.createMultipartUpload(req.build()))
            .uploadId();
    return new MultipartUploadSink(
        s3, settings, key, uploadId, (int) partSize, partsInFlight, retrier, maxParts);
  }

  public String key() {
    return key;
  }

  public String uploadId() {
    return uploadId;
  }

  /** Bytes acknowledged by S3 so far. */
  public long bytesUploaded() {
    return bytesUploaded.get();
  }

  public int partsUploaded() {
    return done.size();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkFailure();
    while (len > 0) {
      if (current == null) {
        current = takeBuffer();
        filled = 0;
      }
      int n = Math.min(len, partSize - filled);
      System.arraycopy(b, off, current, filled, n);
      filled += n;
      off += n;
      len -= n;
      bytesWritten += n;
      if (filled == partSize) {
        submit();
      }
    }
  }

  private byte[] takeBuffer() throws IOException {
    byte[] buffer = freeBuffers.poll();
    if (buffer != null) {
      return buffer;
    }
    // Allocate lazily up to partsInFlight + 1 buffers; after that wait for an acknowledged part.
    if (allocated < maxBuffers) {
      allocated++;
      return new byte[partSize];
    }
    try {
      while (true) {
        checkFailure();
        buffer = freeBuffers.poll(200, TimeUnit.MILLISECONDS);
        if (buffer != null) {
          return buffer;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a part upload");
    }
  }

  private void submit() throws IOException {
    if (nextPart > maxParts) {
      throw new PartLimitExceeded(partSize, maxParts);
    }
    int number = nextPart++;
    byte[] buffer = current;
    int length = filled;
    current = null;
    filled = 0;
    inFlight.removeIf(Future::isDone);
    inFlight.add(pool.submit(() -> uploadPart(number, buffer, length)));
  }

  private void uploadPart(int number, byte[] buffer, int length) {
    if (failure.get() != null) {
      freeBuffers.offer(buffer);
      return;
    }
    try {
      UploadPartRequest.Builder req =
          UploadPartRequest.builder()
              .bucket(settings.bucket())
              .key(key)
              .uploadId(uploadId)
              .partNumber(number)
              .contentLength((long) length);
      if (settings.partMd5()) {
        req.contentMD5(md5(buffer, length));
      }
      UploadPartRequest request = req.build();
      UploadPartResponse response =
          retrier.call(
              "s3.upload_part",
              S3RetryClassifier.INSTANCE,
              () ->
                  s3.uploadPart(
                      request,
                      // A provider opens a fresh stream over the same buffer on every attempt.
                      RequestBody.fromContentProvider(
                          () -> new ByteArrayInputStream(buffer, 0, length),
                          length,
                          "application/octet-stream")));
      done.put(number, CompletedPart.builder().partNumber(number).eTag(response.eTag()).build());
      bytesUploaded.addAndGet(length);
      LOG.debug("part {} of {} uploaded ({} bytes)", number, key, length);
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
    } finally {
      freeBuffers.offer(buffer);
    }
  }

  private static String md5(byte[] buffer, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(buffer, 0, length);
      return Base64.getEncoder().encodeToString(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void checkFailure() throws IOException {
    Throwable f = failure.get();
    if (f != null) {
      throw new IOException("part upload failed: " + describe(f), f);
    }
  }

  private static String describe(Throwable f) {
    return f.getClass().getSimpleName() + ": " + f.getMessage();
  }

  /**
   * Uploads the last part, waits for every part to be acknowledged and completes the upload; only
   * now does the object appear under its key.
   */
  public CompleteMultipartUploadResponse complete() throws Exception {
    if (bytesWritten == 0) {
      throw new IOException("refusing to complete an empty upload");
    }
    if (filled > 0) {
      submit();
    }
    for (Future<?> f : inFlight) {
      try {
        f.get();
      } catch (ExecutionException e) {
        failure.compareAndSet(null, e.getCause());
      }
    }
    checkFailure();
    List<CompletedPart> parts = new ArrayList<>(done.values());
    if (parts.size() != nextPart - 1) {
      throw new IOException("only " + parts.size() + " of " + (nextPart - 1) + " parts uploaded");
    }
    CompleteMultipartUploadRequest.Builder req =
        CompleteMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .uploadId(uploadId)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build());
    if (settings.createOnly()) {
      req.ifNoneMatch("*");
    }
    CompleteMultipartUploadRequest request = req.build();
    CompleteMultipartUploadResponse response =
        retrier.call(
            "s3.complete_multipart_upload",
            S3RetryClassifier.INSTANCE,
            () -> s3.completeMultipartUpload(request));
    finished.set(true);
    pool.shutdown();
    return response;
  }

  /**
   * Aborts the upload so no parts stay behind; safe to call more than once and from several threads
   * at once (the failing main thread and the SIGTERM action): every caller waits for the one abort.
   * The call runs on its own thread, so an interrupted caller (the launcher interrupts the main
   * thread on SIGTERM) cannot cut it short. A no-op after a successful {@link #complete()}.
   */
  public void abort() {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    if (!aborting.compareAndSet(null, mine)) {
      awaitUninterruptibly(aborting.get());
      return;
    }
    if (!finished.compareAndSet(false, true)) {
      mine.complete(null);
      return;
    }
    // Queued parts see the failure and return at once; parts on the wire run to their answer.
    failure.compareAndSet(null, new IOException("upload aborted"));
    pool.shutdown();
    Thread.ofPlatform()
        .daemon()
        .name("s3-abort")
        .start(
            () -> {
              try {
                // A part still being received when AbortMultipartUpload arrives may be stored after
                // it and bring the upload back (S3's documentation says to abort again then). So
                // wait, bounded, for the part uploads to be answered, abort, and abort again while
                // the store still lists the upload.
                if (!awaitParts()) {
                  pool.shutdownNow();
                  awaitParts();
                }
                for (int attempt = 1; attempt <= 3; attempt++) {
                  sendAbort();
                  if (!stillListed()) {
                    break;
                  }
                  sleepQuietly(Duration.ofMillis(500L * attempt));
                }
              } finally {
                mine.complete(null);
              }
            });
    awaitUninterruptibly(mine);
  }

  private boolean stillListed() {
    try {
      ListMultipartUploadsResponse open =
          s3.listMultipartUploads(
              ListMultipartUploadsRequest.builder().bucket(settings.bucket()).prefix(key).build());
      return open.uploads().stream().anyMatch(u -> uploadId.equals(u.uploadId()));
    } catch (RuntimeException e) {
      // Listing is only the check; a store that refuses it got its abort.
      LOG.debug("could not list multipart uploads of {}: {}", key, describe(e));
      return false;
    }
  }

  private static void sleepQuietly(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitParts() {
    try {
      return pool.awaitTermination(ABORT_PART_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void sendAbort() {
    try {
      retrier.call(
          "s3.abort_multipart_upload",
          S3RetryClassifier.INSTANCE,
          () ->
              s3.abortMultipartUpload(
                  AbortMultipartUploadRequest.builder()
                      .bucket(settings.bucket())
                      .key(key)
                      .uploadId(uploadId)
                      .build()));
      LOG.info("multipart upload of {} aborted", key);
    } catch (NoSuchUploadException e) {
      LOG.info("multipart upload of {} already gone", key);
    } catch (Exception e) {
      LOG.error(
          "could not abort multipart upload {} of {}: {}; a bucket lifecycle rule"
              + " (AbortIncompleteMultipartUpload) is the backstop",
          uploadId,
          key,
          describe(e));
    }
  }

  private static void awaitUninterruptibly(CompletableFuture<Void> future) {
    boolean interrupted = false;
    while (true) {
      try {
        future.get(30, TimeUnit.SECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Aborts unless completed. */
  @Override
  public void close() {
    abort();
  }
}

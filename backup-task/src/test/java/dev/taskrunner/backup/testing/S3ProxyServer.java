package dev.taskrunner.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3Proxy 2.6.0 (jclouds filesystem provider) as a child JVM on a free loopback port, from
 * the test class path. A child process rather than in-process keeps S3Proxy's dependency tree
 * (jetty, jclouds, AWS SDK v1) away from the test JVM. S3Proxy does not take the SDK's default
 * trailing checksums, so clients talking to it use {@code when_required}.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key/with+odd=chars";

  private final Process process;
  private final URI endpoint;
  private final Path dir;
  private final S3Client client;

  private S3ProxyServer(Process process, URI endpoint, Path dir) {
    this.process = process;
    this.endpoint = endpoint;
    this.dir = dir;
    this.client = client(endpoint);
  }

  public static S3ProxyServer start() {
    try {
      int port = freePort();
      Path dir = Files.createTempDirectory("s3proxy-");
      Path data = Files.createDirectories(dir.resolve("data"));
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(
          props,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "s3proxy.ignore-unknown-headers=true",
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + data,
              ""));
      Path logback = Path.of("target", "test-classes", "s3proxy-logback.xml").toAbsolutePath();
      if (!Files.exists(logback)) {
        throw new IllegalStateException("missing " + logback);
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      cmd.add("-Dlogback.configurationFile=" + logback);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("org.gaul.s3proxy.Main");
      cmd.add("--properties");
      cmd.add(props.toString());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          break;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            p.destroyForcibly();
            throw new IllegalStateException("S3Proxy did not listen within 60 s");
          }
          Thread.sleep(100);
        }
      }
      return new S3ProxyServer(p, endpoint, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static S3Client client(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  public URI endpoint() {
    return endpoint;
  }

  public S3Client client() {
    return client;
  }

  public void createBucket(String bucket) {
    client.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
  }

  public List<String> keys(String bucket) {
    return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  public List<MultipartUpload> openUploads(String bucket) {
    return client
        .listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).build())
        .uploads();
  }

  public byte[] get(String bucket, String key) {
    return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  /** Environment a task needs to reach this server (S3 keys via the SDK's default chain). */
  public Map<String, String> env(String bucket) {
    return Map.of(
        "BACKUP_BUCKET",
        bucket,
        "BACKUP_S3_ENDPOINT",
        endpoint.toString(),
        "BACKUP_S3_PATH_STYLE",
        "true",
        "BACKUP_S3_CHECKSUM",
        "when_required",
        "AWS_REGION",
        "us-east-1",
        "AWS_ACCESS_KEY_ID",
        ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY",
        SECRET_KEY);
  }

  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

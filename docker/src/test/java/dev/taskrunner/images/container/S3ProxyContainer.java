package dev.taskrunner.images.container;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * An S3 server in a container on the tasks' network, reachable as {@code http://s3:8080}: S3Proxy
 * (the jars this test module already depends on) on a Java runtime image, storing objects with
 * jclouds' filesystem provider in a host directory the test reads. No S3 server image can be pulled
 * where the tests run (and MinIO's community images are gone), so it is assembled here.
 */
final class S3ProxyContainer extends GenericContainer<S3ProxyContainer> {
  /** Endpoint the task containers use. */
  static final String ENDPOINT = "http://s3:8080";

  private final Path data;

  /**
   * @param network the tasks' network
   * @param work an empty directory for the server's class path, config and objects
   * @param keyId access key id the server accepts (AWS signature v2 or v4)
   * @param secret its secret key
   * @param bucket bucket to create
   */
  S3ProxyContainer(Network network, Path work, String keyId, String secret, String bucket) {
    super(ServerImages.java());
    try {
      Path lib = Files.createDirectories(work.resolve("lib"));
      // The jars of this JVM's class path that S3Proxy needs are all on it; copying the whole
      // class path is simpler than picking and harmless.
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path jar = Path.of(entry);
        if (entry.endsWith(".jar") && Files.isRegularFile(jar)) {
          Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      data = Files.createDirectories(work.resolve("data"));
      Files.createDirectories(data.resolve(bucket));
      Files.writeString(
          work.resolve("s3proxy.conf"),
          String.join(
              "\n",
              "s3proxy.endpoint=http://0.0.0.0:8080",
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + keyId,
              "s3proxy.credential=" + secret,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=/s3proxy/data",
              ""));
      for (Path p : List.of(work, lib, data, data.resolve(bucket))) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    withNetwork(network);
    withNetworkAliases("s3");
    withFileSystemBind(work.toString(), "/s3proxy", BindMode.READ_WRITE);
    withCommand(
        "java",
        "-cp",
        "/s3proxy/lib/*",
        org.gaul.s3proxy.Main.class.getName(),
        "--properties",
        "/s3proxy/s3proxy.conf");
    withExposedPorts(8080);
    waitingFor(Wait.forListeningPort());
    withStartupTimeout(Duration.ofMinutes(2));
  }

  /** Names (keys) of the objects stored in {@code bucket}. */
  List<String> objects(String bucket) {
    Path root = data.resolve(bucket);
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.taskrunner.certcheck.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.TrustStore;
import dev.taskrunner.certcheck.result.CertificateFacts;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate files in every format users keep them in, and the ways reading them fails. */
class FileScannerTest {
  static final Instant NOW = Instant.parse("2026-03-02T07:30:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String PASSWORD = "s3cret-Pa55";

  static Issued ca;
  static Issued tomorrow;
  static Issued nextYear;

  @TempDir Path dir;

  @BeforeAll
  static void pki() {
    ca = TestPki.root("Files CA", NOW, 10);
    tomorrow =
        TestPki.cert("CN=rotating-old")
            .validity(NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(1)))
            .signedBy(ca);
    nextYear =
        TestPki.cert("CN=rotating-new")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)))
            .signedBy(ca);
  }

  static FileScanner scanner(char[] password) {
    return new FileScanner(
        new ChainEvaluator(CLOCK, Thresholds.defaults(), TrustStore.of(false, List.of())),
        CLOCK,
        password);
  }

  TargetResult scan(String name, byte[] content) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, content);
    return scanner(null).scan(file);
  }

  @Test
  @DisplayName(
      "PEM bundle: both certificates reported in either order, worst decides"
          + " (x509-certificate-exporter#512: only the first was read)")
  void bundleInEitherOrder() throws Exception {
    for (List<Issued> order : List.of(List.of(tomorrow, nextYear), List.of(nextYear, tomorrow))) {
      String pem = order.get(0).pem() + order.get(1).pem();
      TargetResult r = scan("bundle.pem", pem.getBytes(StandardCharsets.US_ASCII));

      assertThat(r.certificates()).hasSize(2);
      assertThat(r.status()).isEqualTo(Status.CRIT);
      // The word endpoints use, with the position in the bundle instead of a role on a path.
      assertThat(r.reason()).isEqualTo("expires_soon:" + order.indexOf(tomorrow));
      assertThat(r.daysLeft()).isEqualTo(1);
      assertThat(r.limitingSubject()).isEqualTo("CN=rotating-old");
      assertThat(r.certificates()).extracting(CertificateFacts::index).containsExactly(0, 1);
    }
  }

  @Test
  @DisplayName("PEM with a private key block, comment lines and CRLF line ends")
  void keyCommentsAndCrlf() throws Exception {
    String pem =
        "# Name: rotating-new\n"
            + nextYear.pem()
            + "some comment between blocks\n"
            + TestPki.pem(nextYear.keys())
            + ca.pem();
    TargetResult r =
        scan("mixed.pem", pem.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.certificates()).hasSize(2);
    assertThat(r.attributes()).containsEntry("format", "pem");
  }

  @Test
  @DisplayName("DER file recognised by content, whatever its name")
  void derFile() throws Exception {
    TargetResult r = scan("cert.pem", nextYear.cert().getEncoded());

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.attributes()).containsEntry("format", "der");
    assertThat(r.daysLeft()).isEqualTo(365);
  }

  @Test
  void emptyAndKeyOnlyFilesAreErrors() throws Exception {
    TargetResult empty = scan("empty.pem", new byte[0]);
    TargetResult keyOnly =
        scan("key.pem", TestPki.pem(nextYear.keys()).getBytes(StandardCharsets.US_ASCII));

    assertThat(empty.status()).isEqualTo(Status.ERROR);
    assertThat(empty.reason()).isEqualTo("no_certificate_found");
    assertThat(keyOnly.status()).isEqualTo(Status.ERROR);
    assertThat(keyOnly.reason()).isEqualTo("no_certificate_found");
  }

  @Test
  void corruptPemBlockIsBadPem() throws Exception {
    TargetResult r =
        scan(
            "bad.pem",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                .getBytes(StandardCharsets.US_ASCII));

    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.reason()).isEqualTo("bad_pem");
  }

  @Test
  @DisplayName(
      "PKCS#12 from OpenSSL 3 defaults (AES-256, PBKDF2) and -legacy (3DES/RC2) both read"
          + " (keystore-explorer#173, JDK-8278989)")
  void pkcs12FromOpenSsl() throws Exception {
    assertThat(Files.isExecutable(Path.of("/usr/bin/openssl")))
        .as("this test needs the OpenSSL 3 CLI (/usr/bin/openssl, Debian package openssl)")
        .isTrue();
    Path cert = dir.resolve("c.pem");
    Path key = dir.resolve("k.pem");
    Files.writeString(cert, nextYear.pem());
    Files.writeString(key, TestPki.pem(nextYear.keys()));
    Path modern = dir.resolve("modern.bin");
    Path legacy = dir.resolve("legacy.bin");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        cert.toString(),
        "-inkey",
        key.toString(),
        "-out",
        modern.toString(),
        "-passout",
        "env:P12PASS");
    openssl(
        "pkcs12",
        "-export",
        "-legacy",
        "-in",
        cert.toString(),
        "-inkey",
        key.toString(),
        "-out",
        legacy.toString(),
        "-passout",
        "env:P12PASS");

    for (Path p12 : List.of(modern, legacy)) {
      TargetResult r = scanner(PASSWORD.toCharArray()).scan(p12);
      assertThat(r.status()).as(p12.toString()).isEqualTo(Status.OK);
      assertThat(r.attributes()).containsEntry("format", "pkcs12");
      assertThat(r.daysLeft()).isEqualTo(365);
    }
  }

  @Test
  @DisplayName("PKCS#12 with a wrong password: bad_passphrase, and the password is never echoed")
  void pkcs12WrongPassword() throws Exception {
    Path p12 = dir.resolve("store.p12");
    Files.write(p12, keystore("PKCS12"));

    TargetResult wrong = scanner("not-the-password".toCharArray()).scan(p12);
    TargetResult none = scanner(null).scan(p12);

    assertThat(wrong.status()).isEqualTo(Status.ERROR);
    assertThat(wrong.reason()).isEqualTo("bad_passphrase");
    assertThat(none.reason()).isEqualTo("bad_passphrase");
    assertThat(wrong.toString()).doesNotContain("not-the-password").doesNotContain(PASSWORD);
  }

  @Test
  void jksAndJceks() throws Exception {
    for (String type : List.of("JKS", "JCEKS")) {
      Path store = dir.resolve("store." + type);
      Files.write(store, keystore(type));
      TargetResult r = scanner(PASSWORD.toCharArray()).scan(store);
      assertThat(r.status()).as(type).isEqualTo(Status.OK);
      assertThat(r.attributes()).containsEntry("format", type.toLowerCase(java.util.Locale.ROOT));
      assertThat(r.certificates()).hasSize(2);
    }
  }

  @Test
  @DisplayName("a FIFO is an ERROR result at once, never a read that waits for a writer")
  void fifoIsNotRead() throws Exception {
    Path fifo = dir.resolve("tls.crt");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    TargetResult r = scanner(null).scan(fifo);

    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.reason()).isEqualTo("not_regular_file");
  }

  @Test
  @DisplayName("a file larger than any certificate store is an ERROR result, not a full read")
  void hugeFileIsNotReadWhole() throws Exception {
    Path big = dir.resolve("junk.pem");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(FileScanner.MAX_FILE_BYTES + 1L); // sparse: costs no disk
    }

    TargetResult r = scanner(null).scan(big);

    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.reason()).isEqualTo("too_large");
  }

  @Test
  @DisplayName(
      "missing file, dangling symlink and unmatched glob are ERROR results, not silence"
          + " (x509-certificate-exporter#312)")
  void missingThingsAreErrors() throws Exception {
    Path link = dir.resolve("tls.crt");
    Files.createSymbolicLink(link, dir.resolve("..data/tls.crt"));

    assertThat(scanner(null).scan(dir.resolve("nope.pem")).reason()).isEqualTo("not_found");
    TargetResult dangling = scanner(null).scan(link);
    assertThat(dangling.status()).isEqualTo(Status.ERROR);
    assertThat(dangling.reason()).isEqualTo("broken_symlink");
    // A glob that matches a dangling link yields the link (reported as broken), not nothing.
    assertThat(FileScanner.expand(dir + "/*.crt")).containsExactly(link);
    assertThat(FileScanner.expand(dir + "/*.key")).isEmpty();
    assertThat(scanner(null).unmatched(dir + "/*.key").reason()).isEqualTo("not_found");
  }

  @Test
  @DisplayName(
      "a directory is its entries; a Secret volume's ..data is not read twice; globs match")
  void directoriesAndGlobs() throws Exception {
    Path data = Files.createDirectories(dir.resolve("..2026_03_01/"));
    Files.writeString(data.resolve("tls.crt"), nextYear.pem());
    Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
    Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/deep.crt"), tomorrow.pem());

    assertThat(FileScanner.expand(dir.toString()))
        .containsExactly(dir.resolve("ca.pem"), dir.resolve("tls.crt"));
    assertThat(FileScanner.expand(dir + "/**.crt"))
        .containsExactlyInAnyOrder(dir.resolve("tls.crt"), dir.resolve("sub/deep.crt"));
    assertThat(scanner(null).scan(dir.resolve("tls.crt")).status()).isEqualTo(Status.OK);
  }

  @Test
  @DisplayName("weak signature and small key are flagged as WARN")
  void weaknesses() throws Exception {
    Issued weak =
        TestPki.cert("CN=weak")
            .keys(TestPki.rsa(1024))
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)))
            .signedBy(
                TestPki.cert("CN=RSA CA")
                    .ca()
                    .keys(TestPki.rsa(2048))
                    .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)))
                    .selfSigned());
    Issued sha1 =
        TestPki.cert("CN=sha1")
            .keys(TestPki.rsa(2048))
            .signatureAlgorithm("SHA1withRSA")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)))
            .signedBy(
                TestPki.cert("CN=RSA CA 2")
                    .ca()
                    .keys(TestPki.rsa(2048))
                    .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)))
                    .selfSigned());

    TargetResult smallKey = scan("weak.pem", weak.pem().getBytes(StandardCharsets.US_ASCII));
    TargetResult weakSig = scan("sha1.pem", sha1.pem().getBytes(StandardCharsets.US_ASCII));

    assertThat(smallKey.status()).isEqualTo(Status.WARN);
    assertThat(smallKey.weaknesses()).contains("weak_key");
    assertThat(weakSig.status()).isEqualTo(Status.WARN);
    assertThat(weakSig.weaknesses()).contains("weak_signature");
  }

  static byte[] keystore(String type) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    ks.setKeyEntry(
        "server",
        nextYear.keys().getPrivate(),
        PASSWORD.toCharArray(),
        new Certificate[] {nextYear.cert(), ca.cert()});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, PASSWORD.toCharArray());
    return out.toByteArray();
  }

  static void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // The password goes through the environment, never the command line.
    pb.environment().put("P12PASS", PASSWORD);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
  }
}

package dev.taskrunner.certcheck.endpoint;

import dev.taskrunner.certcheck.target.StartTls;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The plain-text exchanges that precede TLS on SMTP, IMAP and PostgreSQL. Reads byte by byte so
 * nothing that belongs to the TLS handshake is consumed by a buffer.
 */
final class StartTlsDialogue {
  /** The server answered, but not with an offer of TLS. */
  static final class Declined extends IOException {
    private static final long serialVersionUID = 1L;

    Declined(String message) {
      super(message);
    }
  }

  /** The server answered something that is not the protocol. */
  static final class Unexpected extends IOException {
    private static final long serialVersionUID = 1L;

    Unexpected(String message) {
      super(message);
    }
  }

  /** PostgreSQL's SSLRequest code (1234 in the high 16 bits, 5679 in the low). */
  static final int PG_SSL_REQUEST = 80877103;

  private StartTlsDialogue() {}

  static void run(StartTls protocol, InputStream in, OutputStream out) throws IOException {
    switch (protocol) {
      case NONE, POSTGRES_DIRECT -> {}
      case SMTP -> smtp(in, out);
      case IMAP -> imap(in, out);
      case POSTGRES -> postgres(in, out);
    }
  }

  private static void smtp(InputStream in, OutputStream out) throws IOException {
    expectCode(readSmtpReply(in), "220");
    send(out, "EHLO certcheck.invalid\r\n");
    String ehlo = readSmtpReply(in);
    expectCode(ehlo, "250");
    if (!ehlo.toUpperCase(Locale.ROOT).contains("STARTTLS")) {
      throw new Declined("SMTP server does not offer STARTTLS");
    }
    send(out, "STARTTLS\r\n");
    String reply = readSmtpReply(in);
    if (!reply.startsWith("220")) {
      throw new Declined("SMTP server refused STARTTLS");
    }
  }

  private static void imap(InputStream in, OutputStream out) throws IOException {
    String greeting = readLine(in);
    if (!greeting.startsWith("* OK") && !greeting.startsWith("* PREAUTH")) {
      throw new Unexpected("IMAP greeting expected");
    }
    send(out, "a1 STARTTLS\r\n");
    while (true) {
      String line = readLine(in);
      if (line.startsWith("a1 ")) {
        if (line.toUpperCase(Locale.ROOT).startsWith("A1 OK")) {
          return;
        }
        throw new Declined("IMAP server refused STARTTLS");
      }
    }
  }

  private static void postgres(InputStream in, OutputStream out) throws IOException {
    out.write(ByteBuffer.allocate(8).putInt(8).putInt(PG_SSL_REQUEST).array());
    out.flush();
    int answer = in.read();
    if (answer == 'S') {
      return;
    }
    if (answer == 'N') {
      throw new Declined("PostgreSQL server answered N: TLS not enabled");
    }
    if (answer < 0) {
      throw new EOFException("PostgreSQL server closed the connection");
    }
    throw new Unexpected("PostgreSQL server answered byte " + answer + " to SSLRequest");
  }

  private static void expectCode(String reply, String code) throws IOException {
    if (!reply.startsWith(code)) {
      throw new Unexpected("SMTP reply " + code + " expected");
    }
  }

  /** A possibly multi-line SMTP reply ("250-..." lines until "250 ..."), joined by newlines. */
  private static String readSmtpReply(InputStream in) throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      String line = readLine(in);
      all.append(line).append('\n');
      if (line.length() < 4 || line.charAt(3) != '-') {
        return all.toString();
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during STARTTLS dialogue");
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (line.size() > 4096) {
        throw new Unexpected("line longer than 4096 bytes in STARTTLS dialogue");
      }
      line.write(b);
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}

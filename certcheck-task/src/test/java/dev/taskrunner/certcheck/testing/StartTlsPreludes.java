package dev.taskrunner.certcheck.testing;

import java.io.IOException;

/** The server halves of STARTTLS dialogues, as a real SMTP/IMAP server speaks them. */
public final class StartTlsPreludes {
  private StartTlsPreludes() {}

  public static TlsServer.Prelude smtp() {
    return (in, out) -> {
      PlainServer.send(out, "220 mail.test ESMTP ready\r\n");
      String ehlo = PlainServer.readLine(in);
      if (!ehlo.toUpperCase(java.util.Locale.ROOT).startsWith("EHLO")) {
        throw new IOException("EHLO expected, got " + ehlo);
      }
      PlainServer.send(out, "250-mail.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
      String starttls = PlainServer.readLine(in);
      if (!starttls.equalsIgnoreCase("STARTTLS")) {
        throw new IOException("STARTTLS expected, got " + starttls);
      }
      PlainServer.send(out, "220 2.0.0 Ready to start TLS\r\n");
    };
  }

  public static TlsServer.Prelude imap() {
    return (in, out) -> {
      PlainServer.send(out, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
      String command = PlainServer.readLine(in);
      String tag = command.split(" ")[0];
      if (!command.toUpperCase(java.util.Locale.ROOT).endsWith("STARTTLS")) {
        throw new IOException("STARTTLS expected, got " + command);
      }
      PlainServer.send(out, tag + " OK Begin TLS negotiation now\r\n");
    };
  }
}

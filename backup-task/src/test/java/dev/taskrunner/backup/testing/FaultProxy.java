package dev.taskrunner.backup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 proxy between the task and S3Proxy that injects faults into chosen requests: an
 * error status (500, 403), a connection reset half-way through the body, or a delay. One request
 * per connection; {@code Expect: 100-continue} is answered here. Every request is recorded.
 */
public final class FaultProxy implements AutoCloseable {

  /** One request as seen by the proxy. */
  public record Request(String method, String target, int attempt) {
    public boolean isUploadPart() {
      return method.equals("PUT") && target.contains("partNumber=") && target.contains("uploadId=");
    }

    public boolean isComplete() {
      return method.equals("POST") && target.contains("uploadId=");
    }

    public boolean isAbort() {
      return method.equals("DELETE") && target.contains("uploadId=");
    }

    public int partNumber() {
      var m = java.util.regex.Pattern.compile("partNumber=(\\d+)").matcher(target);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
  }

  /** What to do with a request. */
  public sealed interface Fault {
    record Status(int code, String s3Code) implements Fault {}

    record ResetMidBody() implements Fault {}

    record Delay(long millis) implements Fault {}
  }

  private record Rule(Predicate<Request> match, Fault fault, int[] remaining) {}

  private final ServerSocket server;
  private final URI upstream;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> attempts = new LinkedHashMap<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  public FaultProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("fault-proxy").start(this::acceptLoop);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Applies {@code fault} to the next {@code times} requests matching {@code match}. */
  public FaultProxy inject(Predicate<Request> match, Fault fault, int times) {
    rules.add(new Rule(match, fault, new int[] {times}));
    return this;
  }

  public List<Request> requests() {
    return new ArrayList<>(requests);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.submit(() -> handle(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
      long length = 0;
      boolean expect = false;
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(e.getValue());
        }
        if (e.getKey().equalsIgnoreCase("Expect")) {
          expect = true;
        }
      }
      String method = requestLine[0];
      String target = requestLine[1];
      int attempt;
      synchronized (attempts) {
        attempt = attempts.merge(method + " " + target, 1, Integer::sum);
      }
      Request request = new Request(method, target, attempt);
      requests.add(request);
      Fault fault = null;
      for (Rule rule : rules) {
        synchronized (rule) {
          if (rule.remaining()[0] > 0 && rule.match().test(request)) {
            rule.remaining()[0]--;
            fault = rule.fault();
            break;
          }
        }
      }
      if (expect) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      if (fault instanceof Fault.ResetMidBody) {
        in.readNBytes((int) Math.min(length / 2, Integer.MAX_VALUE));
        client.setSoLinger(true, 0);
        return;
      }
      byte[] body = in.readNBytes((int) length);
      if (fault instanceof Fault.Status status) {
        String xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + status.s3Code()
                + "</Code><Message>injected by FaultProxy</Message></Error>";
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        out.write(
            ("HTTP/1.1 "
                    + status.code()
                    + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                    + b.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        return;
      }
      if (fault instanceof Fault.Delay delay) {
        Thread.sleep(delay.millis());
      }
      forward(method, target, headers, body, out);
    } catch (IOException e) {
      // client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(
      String method, String target, Map<String, String> headers, byte[] body, OutputStream out)
      throws IOException {
    try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
      StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
      headers.forEach(
          (k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (!lower.equals("expect") && !lower.equals("connection")) {
              req.append(k).append(": ").append(v).append("\r\n");
            }
          });
      req.append("Connection: close\r\n\r\n");
      OutputStream upOut = up.getOutputStream();
      upOut.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      upOut.write(body);
      upOut.flush();
      InputStream upIn = up.getInputStream();
      String respHead = readHead(upIn);
      if (respHead == null) {
        return;
      }
      StringBuilder resp = new StringBuilder();
      for (String line : respHead.split("\r\n")) {
        if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
          resp.append(line).append("\r\n");
        }
      }
      resp.append("Connection: close\r\n\r\n");
      out.write(resp.toString().getBytes(StandardCharsets.ISO_8859_1));
      upIn.transferTo(out);
      out.flush();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      buf.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2))
              ? state + 1
              : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        String head = buf.toString(StandardCharsets.ISO_8859_1);
        return head.substring(0, head.length() - 4);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}

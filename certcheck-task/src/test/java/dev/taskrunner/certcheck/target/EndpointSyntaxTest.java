package dev.taskrunner.certcheck.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSyntaxTest {
  @Test
  void parsesOptions() {
    EndpointTarget t =
        EndpointSyntax.parse(" 10.0.0.5:8443;sni=api.test;starttls=smtp;label=mail ");
    assertThat(t.host()).isEqualTo("10.0.0.5");
    assertThat(t.port()).isEqualTo(8443);
    assertThat(t.checkedName()).isEqualTo("api.test");
    assertThat(t.startTls()).isEqualTo(StartTls.SMTP);
    assertThat(t.label()).isEqualTo("mail");
    assertThat(t.display()).isEqualTo("10.0.0.5:8443;sni=api.test;starttls=smtp");
  }

  @Test
  void ipv6InBrackets() {
    EndpointTarget t = EndpointSyntax.parse("[::1]:443");
    assertThat(t.host()).isEqualTo("::1");
    assertThat(t.display()).isEqualTo("[::1]:443");
  }

  @Test
  void badTargetsNameTheText() {
    assertThatThrownBy(() -> EndpointSyntax.parse("example.com"))
        .hasMessageContaining("'example.com'")
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> EndpointSyntax.parse("a:70000")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> EndpointSyntax.parse("a:25;starttls=pop3"))
        .hasMessageContaining("pop3")
        .hasMessageContaining("smtp, imap");
    assertThatThrownBy(() -> EndpointSyntax.parse("a:25;colour=red"))
        .hasMessageContaining("unknown option 'colour'");
  }

  @Test
  void hostNamesAsResolversAcceptThem() {
    for (String good :
        List.of(
            "db_primary.internal:5432",
            "WWW.Example.COM.:443",
            "xn--bcher-kva.example:443",
            "a:1",
            "10.0.0.255:65535",
            "[fe80::1]:443",
            "[::ffff:10.0.0.1]:443",
            "10.0.0.7:443;sni=api.example.com;label=lb a",
            "10.0.0.7:443;sni=10.0.0.8")) {
      assertThat(EndpointSyntax.parse(good).port()).as(good).isPositive();
    }
  }

  @Test
  void shardsSplitEveryTargetExactlyOnce() {
    int[] hits = new int[3];
    for (int i = 0; i < 300; i++) {
      int owners = 0;
      for (int s = 0; s < 3; s++) {
        if (new Shard(s, 3).selects("host-" + i + ":443")) {
          hits[s]++;
          owners++;
        }
      }
      assertThat(owners).isEqualTo(1);
    }
    assertThat(java.util.Arrays.stream(hits).min().orElseThrow()).isGreaterThan(50);
    assertThatThrownBy(() -> Shard.parse("3/3")).hasMessageContaining("0 <= index < count");
  }
}

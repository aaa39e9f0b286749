package dev.taskrunner.images.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.taskrunner.images.TaskImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of {@code docker/kubernetes/monitoring/}: the PrometheusRule's alert expressions and
 * the Grafana dashboard's panel queries, and the metric names they reference.
 */
public final class MonitoringQueries {
  /** Metrics the tasks push; kube-state-metrics' {@code kube_*} series are the cluster's. */
  private static final Pattern TASK_METRIC =
      Pattern.compile("\\b((?:taskrunner|x509|probe)_[a-zA-Z0-9_]+)\\b");

  private static final Path MONITORING =
      TaskImage.repoRoot().resolve("docker/kubernetes/monitoring");

  private MonitoringQueries() {}

  /** The PrometheusRule document. */
  public static JsonNode rule() {
    try {
      return new YAMLMapper().readTree(MONITORING.resolve("prometheusrule.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Grafana dashboard document. */
  public static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(MONITORING.resolve("taskrunner-dashboard.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The alerting rules, each an object with {@code alert}, {@code expr}, labels, annotations. */
  public static List<JsonNode> alerts() {
    List<JsonNode> alerts = new ArrayList<>();
    rule().at("/spec/groups").forEach(g -> g.path("rules").forEach(alerts::add));
    return alerts;
  }

  /** Every PromQL expression: alert expressions and panel targets. */
  public static List<String> expressions() {
    List<String> exprs = new ArrayList<>();
    alerts().forEach(a -> exprs.add(a.path("expr").asText()));
    dashboard()
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    return exprs;
  }

  /** Names of the task metrics the expressions use, e.g. {@code taskrunner_run_status}. */
  public static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions()) {
      Matcher m = TASK_METRIC.matcher(expr);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * The referenced metrics one task pushes: its own ({@code taskrunner_<task>_*}, and certcheck's
   * exporter-compatible {@code x509_*} / {@code probe_*}) plus the run metrics every task pushes.
   */
  public static Set<String> metricNames(TaskImage task) {
    Set<String> names = new TreeSet<>();
    for (String name : metricNames()) {
      boolean own =
          name.startsWith("taskrunner_" + task.task() + "_")
              || (task == TaskImage.CERTCHECK
                  && (name.startsWith("x509_") || name.startsWith("probe_")));
      boolean run =
          !name.startsWith("x509_")
              && !name.startsWith("probe_")
              && TaskImage.stream().noneMatch(t -> name.startsWith("taskrunner_" + t.task() + "_"));
      if (own || run) {
        names.add(name);
      }
    }
    return names;
  }

  /** Metric names present in a Prometheus text exposition (e.g. a Pushgateway's /metrics). */
  public static Set<String> exposed(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        int end = line.indexOf('{');
        names.add(
            (end < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, end)).strip());
      }
    }
    return names;
  }
}

package dev.taskrunner.images.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.images.TaskImage;
import dev.taskrunner.images.monitoring.MonitoringQueries;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/kubernetes/monitoring/}: the alerts the issue asks for exist, follow the tasks'
 * thresholds and schedules, and the dashboard is well formed. That every task metric they use is
 * one the images really push is checked by the image ITs, against a real Pushgateway.
 */
class MonitoringTest {
  private static Map<String, JsonNode> alerts() {
    return MonitoringQueries.alerts().stream()
        .collect(Collectors.toMap(a -> a.path("alert").asText(), a -> a));
  }

  @Test
  void everyAlertHasASeverityAndASummary() {
    assertThat(MonitoringQueries.alerts()).isNotEmpty();
    for (JsonNode alert : MonitoringQueries.alerts()) {
      String name = alert.path("alert").asText();
      assertThat(name).isNotBlank();
      assertThat(alert.path("expr").asText()).as(name).isNotBlank();
      assertThat(alert.at("/labels/severity").asText()).as(name).isIn("warning", "critical");
      assertThat(alert.at("/annotations/summary").asText()).as(name).isNotBlank();
    }
  }

  @Test
  void backupAlertFiresAfter26HoursWithoutSuccess() {
    String expr = alerts().get("TaskrunnerBackupNotSuccessful").path("expr").asText();
    assertThat(expr)
        .contains("taskrunner_last_success_timestamp_seconds{task=\"backup\"}")
        .contains("> 26 * 3600");
  }

  @Test
  void cleanupErrorsAlert() {
    assertThat(alerts().get("TaskrunnerCleanupErrors").path("expr").asText())
        .contains("taskrunner_cleanup_errors_total")
        .endsWith("> 0");
  }

  @Test
  void certificateAlertsUseCertchecksOwnWarnAndCritDefaults() throws Exception {
    String warn = TaskOptions.defaultOf(TaskImage.CERTCHECK, "--warn");
    String crit = TaskOptions.defaultOf(TaskImage.CERTCHECK, "--crit");
    assertThat(warn).endsWith("d");
    assertThat(crit).endsWith("d");
    String warnDays = warn.substring(0, warn.length() - 1);
    String critDays = crit.substring(0, crit.length() - 1);
    Map<String, JsonNode> alerts = alerts();
    for (String name :
        List.of("TaskrunnerCertificateExpiresSoon", "TaskrunnerEndpointCertificateExpiresSoon")) {
      assertThat(alerts.get(name).path("expr").asText()).as(name).endsWith("/ 86400 < " + warnDays);
      assertThat(alerts.get(name).at("/labels/severity").asText()).isEqualTo("warning");
    }
    for (String name :
        List.of(
            "TaskrunnerCertificateExpiresVerySoon",
            "TaskrunnerEndpointCertificateExpiresVerySoon")) {
      assertThat(alerts.get(name).path("expr").asText()).as(name).endsWith("/ 86400 < " + critDays);
      assertThat(alerts.get(name).at("/labels/severity").asText()).isEqualTo("critical");
    }
  }

  @Test
  void failedJobsOfTheThreeCronJobsAlert() {
    assertThat(alerts().get("TaskrunnerJobFailed").path("expr").asText())
        .contains("kube_job_status_failed")
        .contains("db-backup|log-cleanup|cert-renewal-check");
    assertThat(alerts().get("TaskrunnerRunFailed").path("expr").asText())
        .contains("taskrunner_run_status != 0");
  }

  @Test
  void dashboardPanelsQueryThePrometheusDatasourceVariable() {
    JsonNode dashboard = MonitoringQueries.dashboard();
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
    assertThat(dashboard.path("panels")).isNotEmpty();
    for (JsonNode panel : dashboard.path("panels")) {
      String title = panel.path("title").asText();
      assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as(title).isNotEmpty();
      panel
          .path("targets")
          .forEach(t -> assertThat(t.path("expr").asText()).as(title).isNotBlank());
    }
    // Each task's own metrics appear somewhere in the alerts or the dashboard.
    for (TaskImage task : TaskImage.values()) {
      assertThat(MonitoringQueries.metricNames(task))
          .as(task.task())
          .anyMatch(n -> n.startsWith("taskrunner_" + task.task() + "_"));
    }
  }
}

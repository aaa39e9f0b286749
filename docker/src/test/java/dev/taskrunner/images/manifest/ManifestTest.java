package dev.taskrunner.images.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.taskrunner.images.TaskImage;
import dev.taskrunner.images.container.HardenedContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under {@code docker/kubernetes/}: Pod Security "restricted" for every
 * container, environment variables the tasks know, a podFailurePolicy that follows the exit-code
 * table, and pinned image references.
 */
class ManifestTest {
  private static final Path KUBERNETES = TaskImage.repoRoot().resolve("docker/kubernetes");
  private static final Map<String, TaskImage> CRONJOBS =
      Map.of(
          "db-backup", TaskImage.BACKUP,
          "log-cleanup", TaskImage.CLEANUP,
          "cert-renewal-check", TaskImage.CERTCHECK);

  private static List<JsonNode> documents;

  @BeforeAll
  static void parse() throws IOException {
    ObjectMapper yaml = new YAMLMapper();
    documents = new ArrayList<>();
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
          for (var it = yaml.readValues(parser, JsonNode.class); it.hasNext(); ) {
            JsonNode doc = it.next();
            if (doc != null && doc.has("kind")) {
              documents.add(doc);
            }
          }
        }
      }
    }
  }

  private static List<JsonNode> cronJobs() {
    return documents.stream().filter(d -> d.path("kind").asText().equals("CronJob")).toList();
  }

  private static JsonNode podSpec(JsonNode cronJob) {
    return cronJob.at("/spec/jobTemplate/spec/template/spec");
  }

  private static List<JsonNode> containers(JsonNode pod) {
    List<JsonNode> all = new ArrayList<>();
    for (String key : List.of("initContainers", "containers", "ephemeralContainers")) {
      pod.path(key).forEach(all::add);
    }
    return all;
  }

  @Test
  void theThreeCronJobsExistWithTheirSchedules() {
    assertThat(cronJobs())
        .extracting(c -> c.at("/metadata/name").asText() + " " + c.at("/spec/schedule").asText())
        .containsExactlyInAnyOrder(
            "db-backup 0 2 * * *", "log-cleanup 0 0 * * 0", "cert-renewal-check 0 0 * * *");
    for (JsonNode c : cronJobs()) {
      JsonNode spec = c.path("spec");
      assertThat(spec.path("timeZone").asText()).as("timeZone").isNotEmpty();
      assertThat(spec.path("concurrencyPolicy").asText()).isEqualTo("Forbid");
      assertThat(spec.path("startingDeadlineSeconds").asInt()).isPositive();
      assertThat(spec.has("successfulJobsHistoryLimit")).isTrue();
      assertThat(spec.has("failedJobsHistoryLimit")).isTrue();
      JsonNode job = spec.at("/jobTemplate/spec");
      assertThat(job.path("backoffLimit").isInt()).isTrue();
      assertThat(job.path("activeDeadlineSeconds").asInt()).isPositive();
      assertThat(job.path("ttlSecondsAfterFinished").asInt()).isPositive();
      assertThat(podSpec(c).path("restartPolicy").asText()).isEqualTo("Never");
    }
  }

  @Test
  void everyContainerMeetsPodSecurityRestrictedWithReadOnlyRoot() {
    for (JsonNode c : cronJobs()) {
      JsonNode pod = podSpec(c);
      String name = c.at("/metadata/name").asText();
      JsonNode podSc = pod.path("securityContext");
      assertThat(podSc.path("runAsNonRoot").asBoolean()).as(name).isTrue();
      assertThat(podSc.path("runAsUser").asInt()).as(name).isEqualTo(65532);
      assertThat(podSc.path("runAsGroup").asInt()).as(name).isEqualTo(65532);
      assertThat(podSc.path("fsGroup").asInt()).as(name).isEqualTo(65532);
      assertThat(podSc.at("/seccompProfile/type").asText()).as(name).isEqualTo("RuntimeDefault");
      for (String forbidden : List.of("hostNetwork", "hostPID", "hostIPC")) {
        assertThat(pod.path(forbidden).asBoolean(false)).as(name + " " + forbidden).isFalse();
      }
      pod.path("volumes")
          .forEach(
              v ->
                  assertThat(v.fieldNames())
                      .toIterable()
                      .as(name + " volume types allowed by restricted")
                      .allMatch(
                          f ->
                              Set.of(
                                      "name",
                                      "configMap",
                                      "csi",
                                      "downwardAPI",
                                      "emptyDir",
                                      "ephemeral",
                                      "persistentVolumeClaim",
                                      "projected",
                                      "secret")
                                  .contains(f)));
      assertThat(containers(pod)).isNotEmpty();
      for (JsonNode container : containers(pod)) {
        String what = name + "/" + container.path("name").asText();
        JsonNode sc = container.path("securityContext");
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).as(what).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).as(what).isFalse();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
        assertThat(sc.path("privileged").asBoolean(false)).as(what).isFalse();
        assertThat(sc.path("runAsUser").asInt(65532)).as(what).isNotZero();
        assertThat(sc.at("/capabilities/drop"))
            .as(what)
            .extracting(JsonNode::asText)
            .containsExactly("ALL");
        assertThat(sc.at("/capabilities/add")).as(what).isInstanceOf(MissingNode.class);
        container
            .path("ports")
            .forEach(p -> assertThat(p.path("hostPort").asInt(0)).as(what).isZero());
        // Requests equal limits for memory: the heap is a percentage of the limit.
        JsonNode resources = container.path("resources");
        assertThat(resources.at("/limits/memory").asText()).as(what).isNotEmpty();
        assertThat(resources.at("/requests/memory").asText())
            .as(what)
            .isEqualTo(resources.at("/limits/memory").asText());
        // ... and it is the limit the image tests prove the task runs under.
        assertThat(resources.at("/limits/memory").asText())
            .as(what)
            .isEqualTo((HardenedContainer.MEMORY_LIMIT_BYTES >> 20) + "Mi");
        // /tmp is a size-limited in-memory emptyDir.
        String tmpVolume = null;
        for (JsonNode mount : container.path("volumeMounts")) {
          if (mount.path("mountPath").asText().equals("/tmp")) {
            tmpVolume = mount.path("name").asText();
          }
        }
        assertThat(tmpVolume).as(what + " mounts /tmp").isNotNull();
        for (JsonNode v : pod.path("volumes")) {
          if (v.path("name").asText().equals(tmpVolume)) {
            assertThat(v.at("/emptyDir/medium").asText()).as(what).isEqualTo("Memory");
            assertThat(v.at("/emptyDir/sizeLimit").asText())
                .as(what + ": the size the image tests run with")
                .isEqualTo(HardenedContainer.TMPFS_MIB + "Mi");
          }
        }
      }
    }
  }

  @Test
  void onlyCertcheckMountsAServiceAccountTokenAndItsRoleOnlyReads() {
    for (JsonNode c : cronJobs()) {
      String name = c.at("/metadata/name").asText();
      boolean mounted = podSpec(c).path("automountServiceAccountToken").asBoolean(true);
      assertThat(mounted).as(name).isEqualTo(name.equals("cert-renewal-check"));
    }
    List<JsonNode> roles =
        documents.stream().filter(d -> d.path("kind").asText().equals("Role")).toList();
    assertThat(roles).hasSize(1);
    List<String> grants = new ArrayList<>();
    roles
        .getFirst()
        .path("rules")
        .forEach(
            rule ->
                rule.path("resources")
                    .forEach(
                        r ->
                            rule.path("verbs")
                                .forEach(v -> grants.add(r.asText() + ":" + v.asText()))));
    assertThat(grants)
        .containsExactlyInAnyOrder(
            "secrets:get", "secrets:list", "certificates:get", "certificates:list");
  }

  /**
   * A Role that may list Secrets can read every Secret of its namespace (RBAC cannot narrow a list
   * to TLS Secrets), so no kustomization may deploy it together with a workload that keeps other
   * credentials in Secrets: the certificate check never lands in the backup's namespace.
   */
  @Test
  void theSecretReadingRoleIsNeverDeployedBesideOtherCredentials() throws IOException {
    List<Path> kustomizations;
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      kustomizations =
          files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
    }
    int withRole = 0;
    for (Path k : kustomizations) {
      List<JsonNode> deployed = deployedBy(k.getParent());
      boolean readsSecrets =
          deployed.stream()
              .filter(d -> d.path("kind").asText().equals("Role"))
              .anyMatch(r -> r.path("rules").toString().contains("\"secrets\""));
      if (!readsSecrets) {
        continue;
      }
      withRole++;
      List<String> secretUsers =
          deployed.stream()
              .filter(d -> d.path("kind").asText().equals("CronJob"))
              .filter(
                  c -> {
                    String pod = podSpec(c).toString();
                    return pod.contains("secretKeyRef")
                        || pod.contains("\"secret\":")
                        || pod.contains("secretName");
                  })
              .map(c -> c.at("/metadata/name").asText())
              .toList();
      assertThat(secretUsers).as(KUBERNETES.relativize(k).toString()).isEmpty();
    }
    assertThat(withRole).as("kustomizations deploying the certcheck Role").isPositive();
  }

  /** The documents a kustomization directory deploys: its resources, directories followed. */
  private static List<JsonNode> deployedBy(Path dir) throws IOException {
    ObjectMapper yaml = new YAMLMapper();
    JsonNode kustomization = yaml.readTree(dir.resolve("kustomization.yaml").toFile());
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : kustomization.path("resources")) {
      Path target = dir.resolve(r.asText()).normalize();
      if (Files.isDirectory(target)) {
        out.addAll(deployedBy(target));
        continue;
      }
      try (var parser = new YAMLFactory().createParser(target.toFile())) {
        for (var it = yaml.readValues(parser, JsonNode.class); it.hasNext(); ) {
          JsonNode doc = it.next();
          if (doc != null && doc.has("kind")) {
            out.add(doc);
          }
        }
      }
    }
    return out;
  }

  @Test
  void podFailurePolicyFollowsTheExitCodeTable() {
    for (JsonNode c : cronJobs()) {
      String name = c.at("/metadata/name").asText();
      JsonNode rules = c.at("/spec/jobTemplate/spec/podFailurePolicy/rules");
      List<Integer> failJob = new ArrayList<>();
      List<Integer> other = new ArrayList<>();
      for (JsonNode rule : rules) {
        JsonNode codes = rule.path("onExitCodes");
        if (codes.isMissingNode()) {
          continue;
        }
        assertThat(codes.path("operator").asText()).as(name).isEqualTo("In");
        List<Integer> target = rule.path("action").asText().equals("FailJob") ? failJob : other;
        codes.path("values").forEach(v -> target.add(v.asInt()));
      }
      // 2 usage/config: fail at once; 3 partial and 4 findings: the run happened, no retry.
      // 1 (failed) must stay retryable by backoffLimit; 130/143 are signals, not verdicts.
      assertThat(failJob).as(name).containsExactlyInAnyOrder(2, 3, 4);
      assertThat(other).as(name).doesNotContain(1, 2, 3, 4);
    }
  }

  @Test
  void podFailurePolicyRulesNameTheTaskContainer() {
    for (JsonNode c : cronJobs()) {
      List<String> names =
          containers(podSpec(c)).stream().map(n -> n.path("name").asText()).toList();
      for (JsonNode rule : c.at("/spec/jobTemplate/spec/podFailurePolicy/rules")) {
        JsonNode codes = rule.path("onExitCodes");
        if (!codes.isMissingNode()) {
          // The API server rejects a containerName that is not in the template.
          assertThat(names)
              .as(c.at("/metadata/name").asText())
              .contains(codes.path("containerName").asText());
        }
      }
    }
  }

  @Test
  void everyFileVariablePointsIntoAReadOnlyMountedVolume() {
    for (JsonNode c : cronJobs()) {
      for (JsonNode container : containers(podSpec(c))) {
        String what = c.at("/metadata/name").asText() + "/" + container.path("name").asText();
        for (JsonNode env : container.path("env")) {
          if (!env.path("name").asText().endsWith("_FILE")) {
            continue;
          }
          String path = env.path("value").asText();
          JsonNode mount = null;
          for (JsonNode m : container.path("volumeMounts")) {
            if (path.startsWith(m.path("mountPath").asText() + "/")) {
              mount = m;
            }
          }
          assertThat(mount)
              .as("%s: %s=%s is in a mounted volume", what, env.path("name").asText(), path)
              .isNotNull();
          assertThat(mount.path("readOnly").asBoolean()).as(what + " " + path).isTrue();
        }
      }
    }
  }

  @Test
  void exampleNamespaceEnforcesPodSecurityRestricted() {
    List<JsonNode> namespaces =
        documents.stream().filter(d -> d.path("kind").asText().equals("Namespace")).toList();
    assertThat(namespaces).isNotEmpty();
    for (JsonNode ns : namespaces) {
      JsonNode labels = ns.at("/metadata/labels");
      for (String mode : List.of("enforce", "warn", "audit")) {
        assertThat(labels.path("pod-security.kubernetes.io/" + mode).asText())
            .as(ns.at("/metadata/name").asText() + " " + mode)
            .isEqualTo("restricted");
      }
    }
  }

  @Test
  void imageReferencesCarryATagOrDigestAndNeverLatest() {
    for (JsonNode c : cronJobs()) {
      for (JsonNode container : containers(podSpec(c))) {
        String image = container.path("image").asText();
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        assertThat(lastPart.contains(":") || image.contains("@sha256:"))
            .as(image + " has a tag or digest")
            .isTrue();
        assertThat(image).doesNotEndWith(":latest");
        TaskImage task = CRONJOBS.get(c.at("/metadata/name").asText());
        assertThat(image).startsWith("taskrunner/" + task.module() + ":");
      }
    }
    for (JsonNode kustomization :
        documents.stream().filter(d -> d.path("kind").asText().equals("Kustomization")).toList()) {
      kustomization
          .path("images")
          .forEach(i -> assertThat(i.path("newTag").asText()).isNotEqualTo("latest"));
    }
  }

  @Test
  void everyEnvironmentVariableIsOneTheTaskKnows() throws Exception {
    for (JsonNode c : cronJobs()) {
      TaskImage task = CRONJOBS.get(c.at("/metadata/name").asText());
      Set<String> known = TaskOptions.environmentVariables(task);
      for (JsonNode container : containers(podSpec(c))) {
        for (JsonNode env : container.path("env")) {
          String variable = env.path("name").asText();
          String option =
              variable.endsWith("_FILE") ? variable.substring(0, variable.length() - 5) : variable;
          // The backup task's S3 client takes the AWS SDK's default chain (conventions §1).
          boolean sdk = task == TaskImage.BACKUP && variable.startsWith("AWS_");
          assertThat(known.contains(option) || sdk)
              .as(
                  "%s sets %s, which %s --help does not list (%s)",
                  c.at("/metadata/name").asText(), variable, task.module(), known)
              .isTrue();
          // Secrets never as literal values.
          if (variable.matches("(?i).*(PASSWORD|SECRET|TOKEN|ACCESS_KEY).*")
              && !variable.endsWith("_FILE")) {
            assertThat(env.has("valueFrom")).as(variable + " comes from a Secret").isTrue();
          }
        }
      }
    }
  }
}

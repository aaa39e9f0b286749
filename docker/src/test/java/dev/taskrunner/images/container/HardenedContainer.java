package dev.taskrunner.images.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A task container under the restrictions the CronJobs apply in the cluster: read-only root file
 * system, numeric user 65532:65532, every capability dropped, no new privileges, a size-limited
 * tmpfs at {@code /tmp} and a 256 MiB memory limit (no swap). Mirrors {@code docker run --read-only
 * --user 65532:65532 --cap-drop ALL --security-opt no-new-privileges --tmpfs /tmp:size=16m,exec
 * --memory 256m}.
 */
public final class HardenedContainer extends GenericContainer<HardenedContainer> {
  /** The pod's memory limit in the manifests, and the limit the tests run under. */
  public static final long MEMORY_LIMIT_BYTES = 256L * 1024 * 1024;

  /** The size limit of the pods' {@code /tmp} emptyDir, in MiB. */
  public static final int TMPFS_MIB = 16;

  /** Same options as the pod's emptyDir: no noexec, since native libraries load from /tmp. */
  public static final String TMPFS_OPTIONS = "rw,exec,nosuid,nodev,size=" + TMPFS_MIB + "m";

  public HardenedContainer(String image) {
    super(DockerImageName.parse(image));
    withCreateContainerCmdModifier(
        cmd -> {
          cmd.withUser("65532:65532");
          cmd.getHostConfig()
              .withReadonlyRootfs(true)
              .withCapDrop(Capability.ALL)
              .withSecurityOpts(List.of("no-new-privileges"))
              .withMemory(MEMORY_LIMIT_BYTES)
              .withMemorySwap(MEMORY_LIMIT_BYTES)
              .withTmpFs(Map.of("/tmp", TMPFS_OPTIONS));
        });
    // A task runs to completion: "started" means "exited", whatever the code (asserted by tests).
    withStartupCheckStrategy(new RunToCompletion());
    withStartupTimeout(Duration.ofMinutes(2));
  }

  /** Starts the container, waits for it to exit, collects exit code and output, removes it. */
  public TaskRun run() {
    try (this) {
      start();
      DockerClient client = DockerClientFactory.instance().client();
      InspectContainerResponse info = client.inspectContainerCmd(getContainerId()).exec();
      Long code = info.getState().getExitCodeLong();
      return new TaskRun(
          code == null ? -1 : code.intValue(),
          getLogs(OutputType.STDOUT),
          getLogs(OutputType.STDERR));
    }
  }

  /**
   * Starts the container, waits until {@code running} says the task is at the point under test,
   * then stops it the way the kubelet does at {@code activeDeadlineSeconds} or eviction: SIGTERM to
   * PID 1, SIGKILL after {@code grace}. Collects exit code and output, removes the container.
   */
  public TaskRun runAndStop(Runnable running, Duration grace) {
    withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
    try (this) {
      start();
      running.run();
      DockerClient client = DockerClientFactory.instance().client();
      client.stopContainerCmd(getContainerId()).withTimeout((int) grace.toSeconds()).exec();
      InspectContainerResponse info = client.inspectContainerCmd(getContainerId()).exec();
      Long code = info.getState().getExitCodeLong();
      return new TaskRun(
          code == null ? -1 : code.intValue(),
          getLogs(OutputType.STDOUT),
          getLogs(OutputType.STDERR));
    }
  }

  private static final class RunToCompletion extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient client, String containerId) {
      InspectContainerResponse.ContainerState state = getCurrentState(client, containerId);
      String status = state.getStatus();
      return "exited".equals(status) || "dead".equals(status)
          ? StartupStatus.SUCCESSFUL
          : StartupStatus.NOT_YET_KNOWN;
    }
  }
}

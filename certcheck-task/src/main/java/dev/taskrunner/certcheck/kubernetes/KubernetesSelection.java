package dev.taskrunner.certcheck.kubernetes;

import java.util.List;

/**
 * Which Kubernetes objects to read.
 *
 * @param namespaces namespaces to list; empty means all namespaces (needs a ClusterRole)
 * @param labelSelector label selector applied to Secrets and Certificates; empty for none
 * @param pageSize objects per LIST page, so memory stays bounded on Secret-heavy clusters
 */
public record KubernetesSelection(List<String> namespaces, String labelSelector, int pageSize) {
  public KubernetesSelection {
    namespaces = List.copyOf(namespaces);
  }

  public boolean allNamespaces() {
    return namespaces.isEmpty();
  }
}

package dev.taskrunner.certcheck.report;

import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Totals over a run's results.
 *
 * @param targets number of results
 * @param byStatus results per status; every status present, zeros included
 * @param findings results whose status is a finding (WARN and CRITICAL kinds)
 * @param failures results that could not be checked (UNKNOWN kind)
 * @param earliest the result with the earliest {@code not_after}, if any had one
 */
public record RunSummary(
    int targets,
    Map<Status, Integer> byStatus,
    int findings,
    int failures,
    Optional<TargetResult> earliest) {

  public static RunSummary of(List<TargetResult> results) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0);
    }
    results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
    int findings = (int) results.stream().filter(r -> r.status().isFinding()).count();
    int failures = (int) results.stream().filter(r -> r.status().isScanFailure()).count();
    Optional<TargetResult> earliest =
        results.stream()
            .filter(r -> r.notAfter() != null)
            .min(Comparator.comparing(TargetResult::notAfter));
    return new RunSummary(results.size(), Map.copyOf(counts), findings, failures, earliest);
  }

  /** Fields of the {@code certcheck.summary} event. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("targets", targets);
    Map<String, Integer> statuses = new LinkedHashMap<>();
    for (Status s : Status.values()) {
      if (byStatus.get(s) > 0) {
        statuses.put(s.name(), byStatus.get(s));
      }
    }
    m.put("by_status", statuses);
    m.put("findings", findings);
    m.put("failures", failures);
    earliest.ifPresent(
        r -> {
          m.put("earliest_target", r.target());
          m.put("earliest_not_after", r.notAfter().toString());
          m.put("earliest_days_left", r.daysLeft());
        });
    return m;
  }
}

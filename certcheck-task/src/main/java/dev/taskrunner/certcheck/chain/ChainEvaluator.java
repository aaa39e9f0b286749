package dev.taskrunner.certcheck.chain;

import dev.taskrunner.certcheck.result.CertificateFacts;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judges a set of certificates that was captured without any validation: builds the path from the
 * leaf to a trust anchor, validates it with PKIX at the run's clock, checks the hostname, and
 * derives one {@link Status}. Expiry is computed from the certificates themselves, so an expired
 * certificate is always reported as {@code EXPIRED} with its negative days, whatever else is wrong.
 *
 * <p>Two modes: {@link #evaluateChain} for what a TLS server presented (only the validated path
 * counts; extra certificates such as an old cross-sign are listed as {@code extra} and never raise
 * the severity), and {@link #evaluateBundle} for files and Secrets (every certificate counts: the
 * worst one decides).
 */
public final class ChainEvaluator {
  private final Clock clock;
  private final Thresholds thresholds;
  private final TrustStore trustStore;
  private final CertificateDescriber describer;

  /**
   * Memos for one run: estates reuse a few intermediates and roots across hundreds of endpoints,
   * and signature checks and PKIX validation were most of the evaluation's CPU. An evaluator lives
   * for one run (seconds to minutes); expiry itself is computed per target, never memoised.
   */
  private final Map<List<X509Certificate>, Boolean> signatures = new ConcurrentHashMap<>();

  private final Map<List<X509Certificate>, String> pkixResults = new ConcurrentHashMap<>();

  public ChainEvaluator(Clock clock, Thresholds thresholds, TrustStore trustStore) {
    this.clock = clock;
    this.thresholds = thresholds;
    this.trustStore = trustStore;
    this.describer = new CertificateDescriber(clock);
  }

  /**
   * Evaluates the chain a server presented.
   *
   * @param presented certificates in the order sent, leaf first; not empty
   * @param checkedName name the leaf must be valid for (SNI override or host); null skips the check
   */
  public TargetResult evaluateChain(
      TargetId id,
      List<X509Certificate> presented,
      String checkedName,
      String sni,
      Map<String, String> attributes,
      long durationMillis) {
    Instant now = clock.instant();
    PathAttempt path = buildPath(presented);
    Map<String, String> attrs = new LinkedHashMap<>(attributes);

    List<CertificateFacts> facts = new ArrayList<>();
    for (int i = 0; i < presented.size(); i++) {
      X509Certificate cert = presented.get(i);
      boolean onPath = path.certificates().contains(cert);
      facts.add(describer.describe(cert, i, onPath ? role(cert, i) : "extra", onPath));
    }
    if (path.anchorFromStore() != null) {
      X509Certificate anchor = path.anchorFromStore();
      facts.add(
          describer
              .describe(anchor, facts.size(), "root", true)
              .placed(facts.size(), "root", true, true));
    }
    List<CertificateFacts> onPath = facts.stream().filter(CertificateFacts::onPath).toList();
    CertificateFacts limiting =
        onPath.stream().min(Comparator.comparing(CertificateFacts::notAfter)).orElseThrow();

    String trustReason = trustReason(path);
    boolean trusted = trustReason.isEmpty();
    Boolean hostnameMatch =
        checkedName == null ? null : HostnameMatcher.matches(presented.get(0), checkedName);
    List<String> weaknesses =
        onPath.stream()
            .filter(f -> !f.fromTrustStore())
            .flatMap(f -> f.weaknesses().stream())
            .distinct()
            .toList();
    if (!trusted) {
      attrs.put("trust_reason", trustReason);
    }
    if (checkedName != null) {
      attrs.put("checked_name", checkedName);
    }

    Status status;
    String reason;
    Optional<CertificateFacts> notYetValid =
        onPath.stream().filter(f -> f.notBefore().isAfter(now)).findFirst();
    if (notYetValid.isPresent()) {
      status = Status.NOT_YET_VALID;
      reason = "not_yet_valid:" + notYetValid.get().role();
      attrs.put(
          "valid_in_seconds",
          Long.toString(
              java.time.Duration.between(now, notYetValid.get().notBefore()).toSeconds()));
    } else if (limiting.secondsLeft() < 0) {
      status = Status.EXPIRED;
      reason = "expired:" + limiting.role();
    } else if (path.missingIssuer() != null) {
      status = Status.CHAIN_INCOMPLETE;
      reason = "issuer_not_found";
    } else if (!trusted) {
      status = Status.UNTRUSTED;
      reason = trustReason;
    } else if (Boolean.FALSE.equals(hostnameMatch)) {
      status = Status.HOSTNAME_MISMATCH;
      reason = "hostname_mismatch";
    } else {
      status =
          thresholds.classify(limiting.notBefore(), limiting.notAfter(), limiting.secondsLeft());
      reason = status == Status.OK ? "" : "expires_soon:" + limiting.role();
      if (status == Status.OK && !weaknesses.isEmpty()) {
        status = Status.WARN;
        reason = weaknesses.get(0);
      }
    }
    return new TargetResult(
        id.target(),
        id.source(),
        id.label(),
        status,
        reason,
        "",
        sni,
        limiting.notAfter(),
        limiting.secondsLeft(),
        limiting.daysLeft(),
        limiting.subject(),
        trusted,
        hostnameMatch,
        weaknesses,
        facts,
        attrs,
        durationMillis,
        now);
  }

  /**
   * Evaluates a bundle from a file or Secret: every certificate counts and the worst decides. Trust
   * and hostname do not apply (a file has no peer to verify).
   */
  public TargetResult evaluateBundle(
      TargetId id, List<X509Certificate> certs, Map<String, String> attributes, long millis) {
    Instant now = clock.instant();
    List<CertificateFacts> facts = new ArrayList<>();
    for (int i = 0; i < certs.size(); i++) {
      facts.add(describer.describe(certs.get(i), i, role(certs.get(i), i), true));
    }
    Status worst = Status.OK;
    String reason = "";
    CertificateFacts limiting = facts.get(0);
    for (CertificateFacts f : facts) {
      Status s;
      if (f.notBefore().isAfter(now)) {
        s = Status.NOT_YET_VALID;
      } else if (f.secondsLeft() < 0) {
        s = Status.EXPIRED;
      } else {
        s = thresholds.classify(f.notBefore(), f.notAfter(), f.secondsLeft());
      }
      if (rank(s) > rank(worst)) {
        worst = s;
        // The words of a chain's reasons; a bundle has no path, so its position names the
        // certificate (as chain_position does in its certificate event).
        reason = reasonWord(s) + ":" + f.index();
      }
      if (f.notAfter().isBefore(limiting.notAfter())) {
        limiting = f;
      }
    }
    List<String> weaknesses =
        facts.stream().flatMap(f -> f.weaknesses().stream()).distinct().toList();
    if (worst == Status.OK && !weaknesses.isEmpty()) {
      worst = Status.WARN;
      reason = weaknesses.get(0);
    }
    return new TargetResult(
        id.target(),
        id.source(),
        id.label(),
        worst,
        reason,
        "",
        "",
        limiting.notAfter(),
        limiting.secondsLeft(),
        limiting.daysLeft(),
        limiting.subject(),
        null,
        null,
        weaknesses,
        facts,
        attributes,
        millis,
        now);
  }

  private static String reasonWord(Status s) {
    return switch (s) {
      case WARN, CRIT -> "expires_soon";
      default -> s.name().toLowerCase(Locale.ROOT);
    };
  }

  private static int rank(Status s) {
    return switch (s) {
      case EXPIRED -> 4;
      case NOT_YET_VALID -> 3;
      case CRIT -> 2;
      case WARN -> 1;
      default -> 0;
    };
  }

  private String role(X509Certificate cert, int index) {
    if (isSelfSigned(cert)) {
      return "root";
    }
    return index == 0 && cert.getBasicConstraints() < 0 ? "leaf" : "intermediate";
  }

  /**
   * The path from the leaf upwards. At each step a trust-store certificate is preferred to one the
   * server sent, so a valid new root wins over an expired cross-sign of it; among candidates, one
   * valid now and then the one expiring last is preferred.
   */
  PathAttempt buildPath(List<X509Certificate> presented) {
    List<X509Certificate> path = new ArrayList<>();
    Set<X509Certificate> used = new LinkedHashSet<>();
    X509Certificate current = presented.get(0);
    path.add(current);
    used.add(current);
    for (int depth = 0; depth < 16; depth++) {
      if (isSelfSigned(current)) {
        boolean inStore = trustStore.certificates().contains(current);
        return new PathAttempt(path, null, inStore, null);
      }
      Optional<X509Certificate> anchor = issuerAmong(current, trustStore.certificates(), used);
      if (anchor.isPresent()) {
        X509Certificate a = anchor.get();
        boolean sent = presented.contains(a);
        path.add(a);
        return new PathAttempt(path, sent ? null : a, true, null);
      }
      Optional<X509Certificate> next = issuerAmong(current, presented, used);
      if (next.isEmpty()) {
        return new PathAttempt(path, null, false, current.getIssuerX500Principal().getName());
      }
      current = next.get();
      path.add(current);
      used.add(current);
    }
    return new PathAttempt(path, null, false, "path_too_long");
  }

  private Optional<X509Certificate> issuerAmong(
      X509Certificate child, List<X509Certificate> candidates, Set<X509Certificate> used) {
    Instant now = clock.instant();
    return candidates.stream()
        .filter(c -> !used.contains(c))
        .filter(c -> c.getSubjectX500Principal().equals(child.getIssuerX500Principal()))
        .filter(c -> signedBy(child, c))
        .max(
            Comparator.<X509Certificate, Boolean>comparing(c -> validAt(c, now))
                .thenComparing(X509Certificate::getNotAfter));
  }

  private static boolean validAt(X509Certificate c, Instant now) {
    return !c.getNotBefore().toInstant().isAfter(now) && !c.getNotAfter().toInstant().isBefore(now);
  }

  boolean isSelfSigned(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
        && signedBy(cert, cert);
  }

  private boolean signedBy(X509Certificate child, X509Certificate issuer) {
    return signatures.computeIfAbsent(
        List.of(child, issuer),
        pair -> {
          try {
            child.verify(issuer.getPublicKey());
            return true;
          } catch (GeneralSecurityException | RuntimeException e) {
            return false;
          }
        });
  }

  /** Empty when the path validates with PKIX at the run's clock; otherwise a reason code. */
  private String trustReason(PathAttempt attempt) {
    if (attempt.missingIssuer() != null) {
      return "incomplete_chain";
    }
    if (!attempt.anchored()) {
      return attempt.certificates().size() == 1 ? "self_signed" : "untrusted_root";
    }
    List<X509Certificate> path = attempt.certificates();
    X509Certificate anchor = path.get(path.size() - 1);
    List<X509Certificate> toValidate = path.subList(0, path.size() - 1);
    if (toValidate.isEmpty()) {
      // The leaf itself is in the trust store (a pinned self-signed certificate).
      return validAt(anchor, clock.instant()) ? "" : "expired";
    }
    return pkixResults.computeIfAbsent(List.copyOf(path), p -> pkix(anchor, toValidate));
  }

  private String pkix(X509Certificate anchor, List<X509Certificate> toValidate) {
    try {
      PKIXParameters params =
          new PKIXParameters(Set.of(new java.security.cert.TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(toValidate), params);
      return "";
    } catch (CertPathValidatorException e) {
      return switch (e.getReason()) {
        case CertPathValidatorException.BasicReason.EXPIRED -> "expired";
        case CertPathValidatorException.BasicReason.NOT_YET_VALID -> "not_yet_valid";
        case CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED ->
            "algorithm_constrained";
        case CertPathValidatorException.BasicReason.INVALID_SIGNATURE -> "invalid_signature";
        default -> "validation_failed";
      };
    } catch (GeneralSecurityException e) {
      return "validation_failed";
    }
  }

  /**
   * @param certificates path from the leaf upwards, ending at the anchor when anchored
   * @param anchorFromStore the anchor when it came from the trust store and was not sent
   * @param anchored whether the path ends at a trust-store certificate
   * @param missingIssuer issuer name that could not be found; null when the path is complete
   */
  record PathAttempt(
      List<X509Certificate> certificates,
      X509Certificate anchorFromStore,
      boolean anchored,
      String missingIssuer) {}
}

#!/usr/bin/env bash
# Builds the three task images with no registry:
#   taskrunner/backup-task:<version>, taskrunner/cleanup-task:<version>, taskrunner/certcheck-task:<version>
#
# Steps: (1) the task jars (thin jar + lib/: `package` of the task modules and common from this
# checkout, tests skipped), unless --no-maven, which
# takes the jars a previous `./mvnw install` or `package` left in <module>/target; (2) a CycloneDX
# SBOM per task module (target/bom.json) when missing or older than a POM; (3) the base images: the
# public ones named in docker/Dockerfile when TASKRUNNER_IMAGE_BASES=public, otherwise local
# stand-ins made from Debian packages (default; no registry needed); (4) docker build of each
# image, AOT cache trained inside. Docker's layer cache makes a rebuild with unchanged jars take
# seconds; only a changed jar or lib/ retrains the cache.
#
# Usage: docker/build.sh [--no-maven] [task...]      tasks: backup-task cleanup-task certcheck-task
# Env:   JAVA_HOME (JDK 25; default /usr/lib/jvm/temurin-25-jdk-amd64)
#        TASKRUNNER_IMAGE_BASES=local|public  (default local)
#        TASKRUNNER_IMAGE_PREFIX (default taskrunner)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=testbed/lib.sh
. "$here/testbed/lib.sh"
log() { printf '[images] %s\n' "$*" >&2; }

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export DOCKER_BUILDKIT=0   # classic builder: FROM local-only images, no buildx needed
BASES=${TASKRUNNER_IMAGE_BASES:-local}
PREFIX=${TASKRUNNER_IMAGE_PREFIX:-taskrunner}
CYCLONEDX_VERSION=$(sed -n 's:.*<dep.plugin.cyclonedx.version>\(.*\)</dep.plugin.cyclonedx.version>.*:\1:p' "$root/pom.xml")
VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")
REVISION=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE=$(sed -n '0,/<url>/s:.*<url>\(.*\)</url>.*:\1:p' "$root/pom.xml")

# Local stand-ins (docker/standin/): what the public defaults give, built from Debian packages.
DEBIAN_STANDIN=taskrunner-testbed/debian:bookworm
JDK_STANDIN=taskrunner-images/jdk:25
DISTROLESS_STANDIN=taskrunner-images/distroless-cc:bookworm
POSTGRES_STANDIN=taskrunner-testbed/postgres:15
# PostgreSQL client programs of the backup image: the stand-in has Debian 12's PostgreSQL 15 (the
# newest major in Debian's bookworm sources); the public default is the Dockerfile's PG_IMAGE.
INPUTS_LABEL=dev.taskrunner.images.inputs

run_maven=1
tasks=()
for a in "$@"; do
  case $a in
    --no-maven) run_maven=0 ;;
    backup-task|cleanup-task|certcheck-task) tasks+=("$a") ;;
    *) die "unknown argument: $a (expected --no-maven or a task module)" ;;
  esac
done
[ ${#tasks[@]} -gt 0 ] || tasks=(backup-task cleanup-task certcheck-task)

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
label_of() { docker image inspect -f "{{index .Config.Labels \"$INPUTS_LABEL\"}}" "$1" 2>/dev/null || true; }

# sbom TASK : target/bom.json, the CycloneDX SBOM of the task's runtime dependencies. Made here and
# not bound in the POM: makeBom is marked "requires online mode", so a binding would break every
# `./mvnw -o` build. It only reads the resolved dependency graph; once the plugin is in ~/.m2 it
# downloads nothing. Rebuilt only when a POM is newer than it.
sbom() {
  local t=$1 bom=$root/$1/target/bom.json
  if [ -f "$bom" ] && [ "$bom" -nt "$root/pom.xml" ] && [ "$bom" -nt "$root/$t/pom.xml" ]; then
    return 0
  fi
  log "maven: CycloneDX SBOM of $t (cyclonedx-maven-plugin ${CYCLONEDX_VERSION})"
  # In the reactor with common (-am), so common resolves from this checkout, not from ~/.m2.
  "$root/mvnw" -B -q -ntp -f "$root/pom.xml" -pl "$t" -am \
    "org.cyclonedx:cyclonedx-maven-plugin:${CYCLONEDX_VERSION}:makeBom" \
    -DoutputFormat=json -DoutputName=bom -DincludeTestScope=false -DincludeProvidedScope=false \
    -DincludeSystemScope=false -DskipNotDeployed=false \
    || die "CycloneDX SBOM of $t failed"
}

build_jars() {
  local modules
  modules=$(IFS=,; echo "${tasks[*]}")
  # The reactor with --also-make: common is built from this checkout too, never taken from
  # whatever another checkout last installed into ~/.m2 (and a fresh ~/.m2 needs nothing first).
  log "maven: package ${modules} and common (tests skipped)"
  "$root/mvnw" -B -q -ntp -f "$root/pom.xml" -pl "$modules" -am package -DskipTests \
    || die "maven package of ${modules} failed"
}

# build_standin TAG DOCKERFILE CONTEXT : rebuilt only when its inputs changed.
build_standin() {
  local tag=$1 file=$2 ctx=$3 hash
  hash=$( { docker image inspect -f '{{.Id}}' "$DEBIAN_STANDIN"; cat "$file"; cat "$ctx/release" 2>/dev/null || true; } | sha256sum | cut -c1-16)
  if have_image "$tag" && [ "$(label_of "$tag")" = "$hash" ]; then return 0; fi
  log "stand-in $tag"
  # The context goes as a tar with symlinks dereferenced: Debian's Temurin links
  # lib/security/cacerts to /etc/ssl/certs/java/cacerts, outside the JDK directory.
  tar -ch --hard-dereference -C "$ctx" --exclude="./$(basename "$file")" . -C "$(dirname "$file")" "$(basename "$file")" \
    | run_quiet "docker build $tag" docker build -q --pull=false \
        --build-arg "DEBIAN_IMAGE=$DEBIAN_STANDIN" --label "$INPUTS_LABEL=$hash" \
        -f "$(basename "$file")" -t "$tag" - || die "docker build of $tag failed"
}

ensure_bases() {
  if [ "$BASES" = public ]; then return 0; fi
  "$here/testbed/ensure-docker.sh"
  "$here/testbed/build-test-images.sh"   # Debian base and the PostgreSQL 15 stand-in
  [ -x "$JAVA_HOME/bin/jlink" ] || die "JAVA_HOME=$JAVA_HOME has no jlink (need a JDK 25)"
  build_standin "$JDK_STANDIN" "$here/standin/jdk.Dockerfile" "$JAVA_HOME"
  build_standin "$DISTROLESS_STANDIN" "$here/standin/distroless.Dockerfile" "$here/standin"
}

build_image() {
  local task=$1 target=$root/$1/target args=()
  [ -f "$target/$task.jar" ] && [ -d "$target/lib" ] \
    || die "$target/$task.jar or lib/ missing: run without --no-maven"
  args=(--build-arg "TASK=$task" --build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION"
        --build-arg "SOURCE=$SOURCE")
  if [ "$BASES" = public ]; then
    # The Dockerfile's defaults; the pg-client stage of the other tasks runs on the JDK image.
    [ "$task" = backup-task ] \
      || args+=(--build-arg "PG_IMAGE=$(sed -n 's/^ARG JDK_IMAGE=//p' "$here/Dockerfile")")
  else
    args+=(--build-arg "JDK_IMAGE=$JDK_STANDIN" --build-arg "BASE_IMAGE=$DISTROLESS_STANDIN")
    if [ "$task" = backup-task ]; then
      args+=(--build-arg "PG_IMAGE=$POSTGRES_STANDIN")
    else
      args+=(--build-arg "PG_IMAGE=$JDK_STANDIN")
    fi
  fi
  log "docker build $PREFIX/$task:$VERSION"
  local start=$SECONDS
  run_quiet "docker build $task" docker build --pull=false "${args[@]}" \
    -t "$PREFIX/$task:$VERSION" -f "$here/Dockerfile" "$target" \
    || die "docker build of $task failed"
  log "built $PREFIX/$task:$VERSION in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$PREFIX/$task:$VERSION" | awk '{printf "%.0f MB", $1/1e6}'))"
}

if [ "$run_maven" = 1 ]; then build_jars; fi
for t in "${tasks[@]}"; do sbom "$t"; done
ensure_bases
for t in "${tasks[@]}"; do build_image "$t"; done

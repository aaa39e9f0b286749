#!/usr/bin/env bash
# The project's one test command (README "Quick start", and what .ci/run calls).
# On a fresh Debian 12 machine it sets up everything itself: a Docker engine, the Pushgateway
# binary, the test images built from Debian packages (no registry needed), then the whole build
# with unit tests, integration tests and the image tests.
#
# Env: TASKRUNNER_TEST_IMAGES=local|public  local (default): stand-in images built from Debian
#        packages; public: the pinned public images (a machine that reaches a registry).
#      JAVA_HOME  a JDK 25 (default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export TASKRUNNER_TEST_IMAGES=${TASKRUNNER_TEST_IMAGES:-local}
if [ "$TASKRUNNER_TEST_IMAGES" = local ]; then
  # Testcontainers' resource reaper (ryuk) is an image that cannot be pulled without a registry;
  # the tests stop their own containers instead.
  export TESTCONTAINERS_RYUK_DISABLED=true
  export TASKRUNNER_IMAGE_BASES=local
else
  export TASKRUNNER_IMAGE_BASES=public
fi
[ -x "$JAVA_HOME/bin/java" ] || { echo "test.sh: JAVA_HOME=$JAVA_HOME is not a JDK" >&2; exit 2; }

start=$SECONDS
bash docker/testbed/setup.sh
# 1. Every module's unit and integration tests (and the task jars the image build copies).
./mvnw -B -ntp --fail-at-end install
# 2. The three images, from the jars just built, then the tests that run them like a cluster does.
bash docker/build.sh --no-maven
./mvnw -B -ntp -f docker/pom.xml verify
echo "test.sh: all tests passed in $((SECONDS - start))s"

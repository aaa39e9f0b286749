#!/usr/bin/env bash
# One entry point the test command calls before Maven: makes a fresh Debian 12
# machine (docker client only, no registry) able to run the tests: Docker
# engine, Pushgateway binary, locally built test images. Exports nothing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

start=$SECONDS
"$here/ensure-docker.sh"
"$here/ensure-pushgateway.sh" >/dev/null
"$here/build-test-images.sh"
log "testbed ready in $((SECONDS - start))s"

#!/usr/bin/env bash
# The long (nightly) run of the WebSocket fuzzer (docs/operations.md "Fuzzing"): FuzzIT with more
# frames than the 100,000 of ./run-tests. Prints the seed; re-run with the same seed to reproduce.
# Usage: scripts/fuzz.sh [frames=5000000] [connections=32] [seed]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FRAMES="${1:-5000000}"
CONNECTIONS="${2:-32}"
SEED_ARG=()
if [[ -n "${3:-}" ]]; then
  SEED_ARG=("-Dfuzz.seed=$3")
fi
mvn -B -ntp -pl server -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=FuzzIT \
  -Dfuzz.frames="$FRAMES" -Dfuzz.connections="$CONNECTIONS" "${SEED_ARG[@]}"
grep -h "FuzzIT:" server/target/failsafe-reports/*FuzzIT-output.txt || true

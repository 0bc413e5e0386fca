#!/usr/bin/env bash
# Runs the interop suite: the official @metered-ca/realtime SDK and raw ws
# clients against the rms server jar (env RMS_JAR, default ../cli/target/rms.jar).
set -euo pipefail
cd "$(dirname "$0")"

export RMS_JAR="${RMS_JAR:-../cli/target/rms.jar}"
if [[ ! -f "$RMS_JAR" ]]; then
  echo "interop: server jar not found at '$RMS_JAR'." >&2
  echo "interop: build it first (mvn -B -DskipTests package at the repo root) or set RMS_JAR." >&2
  exit 2
fi
command -v java >/dev/null || { echo "interop: 'java' is not on PATH" >&2; exit 2; }
command -v node >/dev/null || { echo "interop: 'node' (v20+) is not on PATH" >&2; exit 2; }

# Install exactly what the lock file says, only when needed.
if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

# The test files are named explicitly: with a bare "test/" Node 20 would also
# run test/harness.mjs (every .mjs under a test/ dir) as an empty test file.
exec node --test --test-concurrency=1 test/*.test.mjs

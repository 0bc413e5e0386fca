#!/usr/bin/env bash
# Cross-node messages/s through one Redis (docs/clustering.md). Bounded: runs for the given
# seconds (default 10) after a 2 s warm-up. Compiles the server module first (offline Maven).
# Usage: scripts/cluster-load.sh [seconds] [publishers] [subscribers] [payloadBytes]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CP_FILE="$ROOT/server/target/load.classpath"
mvn -B -q -o test-compile dependency:build-classpath -pl protocol,server -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
java -cp "server/target/classes:server/target/test-classes:$(cat "$CP_FILE")" \
  ca.metered.realtime.server.bench.ClusterLoad "$@" 2> >(grep -v -E 'WARN|INFO' >&2)

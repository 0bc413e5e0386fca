#!/usr/bin/env bash
# A longer run of the recovery chaos test (cli RecoveryChaosIT, docs/history.md): two `rms serve`
# processes and a real redis-server, Java SDK subscribers with recovery behind proxies cut at
# random, one node SIGKILLed and restarted, Redis restarted once. ./run-tests runs it with 12 s of
# publishing; this runs it with SECONDS (default 120). SEED=<n> replays the drop pattern of a run
# (each run prints its seed). Prints the counts per subscriber. Needs redis-server
# (scripts/install-test-deps.sh).
#
#   scripts/chaos-recovery.sh            # 120 s
#   SEED=13679465572802 scripts/chaos-recovery.sh 600
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECS="${1:-120}"
# -Dit.test selects the test in both failsafe executions of cli (the WebRTC one runs it again
# inside its network namespace): two runs, each with its own seed and counts.
mvn -B -ntp -pl cli -am verify -Dtest=none -Dit.test=RecoveryChaosIT \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Drms.chaos.seconds="$SECS" ${SEED:+-Drms.chaos.seed="$SEED"} \
    | grep -E 'RecoveryChaosIT|subscriber [0-9]|node B|redis-server restarted|Tests run|BUILD|FAIL|expected|but was'

#!/usr/bin/env bash
# Soak test (docs/operations.md "Soak test"; not part of ./run-tests): runs the packaged server
# under mixed load with connection churn (pub/sub, presence, directs, REST, JWT connections; see
# server/src/test/java/.../bench/SoakLoad.java) for the given minutes, samples the server's live
# heap after a full GC (the total of jcmd GC.class_histogram, which collects first and counts
# what survived) and its RSS every minute, prints a table, and fails when a sample after the
# warm-up strays more than 10 % from the warm-up sample.
#
# Usage: scripts/soak.sh [minutes=30] [warmupMinutes=3]
# Needs cli/target/rms.jar (built if missing) and a JDK (jcmd). Writes its files under
# target/soak/ (server log, samples.tsv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MINUTES="${1:-30}"
WARMUP="${2:-3}"
OUT="$ROOT/target/soak"
mkdir -p "$OUT"
JAR="$ROOT/cli/target/rms.jar"
if [[ ! -f "$JAR" ]]; then
  mvn -B -q -ntp -pl cli -am package -DskipTests
fi
CP_FILE="$ROOT/server/target/load.classpath"
mvn -B -q -ntp -o test-compile dependency:build-classpath -pl protocol,server -Dmdep.outputFile="$CP_FILE" \
  -Dmdep.includeScope=test >/dev/null

cat > "$OUT/soak.yaml" <<'YAML'
server:
  host: 127.0.0.1
  port: 0
apps:
  - id: soak
    publishableKeys:
      - key: pk_live_soak
        channels: ["**"]
        actions: [subscribe, publish, presence, send]
    secretKeys:
      - id: sk_id_soak
        secret: sk_secret_soak_0123456789
YAML

JAVA_HOME_BIN="$(dirname "$(readlink -f "$(command -v java)")")"
# A fixed, pre-touched heap: RSS then shows what grows outside the heap (threads, direct
# buffers, metaspace, native leaks) instead of the heap being paged in over the first minutes.
"$JAVA_HOME_BIN/java" -Xms256m -Xmx256m -XX:+AlwaysPreTouch -jar "$JAR" serve --config "$OUT/soak.yaml" >"$OUT/server.out" 2>"$OUT/server.log" &
SERVER=$!
LOAD=""
cleanup() {
  [[ -n "$LOAD" ]] && kill "$LOAD" 2>/dev/null || true
  kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  URL="$(sed -n 's/^rms listening on \(ws:\/\/[^ ]*\).*/\1/p' "$OUT/server.out")"
  [[ -n "$URL" ]] && break
  sleep 0.2
done
[[ -n "$URL" ]] || { echo "server did not start; see $OUT/server.log" >&2; exit 1; }
echo "server pid $SERVER at $URL; load for $MINUTES min, warm-up $WARMUP min"

"$JAVA_HOME_BIN/java" -cp "server/target/test-classes:$(cat "$CP_FILE")" ca.metered.realtime.server.bench.SoakLoad \
  "$URL" "$((MINUTES + 1))" pk_live_soak sk_id_soak:sk_secret_soak_0123456789 >"$OUT/load.out" 2>&1 &
LOAD=$!

sample() { # minute → "minute heapAfterGcKiB rssKiB threads fds"
  local heap rss threads fds
  # A separate GC.run + GC.heap_info would count what the load allocates between the two
  # attaches; the histogram's total is measured inside the same full collection.
  heap="$("$JAVA_HOME_BIN/jcmd" "$SERVER" GC.class_histogram | awk '$1 == "Total" {print int($3 / 1024)}')"
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status")"
  threads="$(awk '/^Threads:/ {print $2}' "/proc/$SERVER/status")"
  fds="$(ls "/proc/$SERVER/fd" | wc -l)"
  echo "$1 $heap $rss $threads $fds"
}

printf 'minute\theap_after_gc_KiB\trss_KiB\tthreads\tfds\n' | tee "$OUT/samples.tsv"
for m in $(seq 1 "$MINUTES"); do
  sleep 60
  kill -0 "$SERVER" 2>/dev/null || { echo "server died; see $OUT/server.log" >&2; exit 1; }
  sample "$m" | tr ' ' '\t' | tee -a "$OUT/samples.tsv"
done
kill "$LOAD" 2>/dev/null || true
wait "$LOAD" 2>/dev/null || true
LOAD=""
tail -2 "$OUT/load.out"

# Flat within 10 %: every sample after the warm-up against the warm-up sample.
awk -v warm="$WARMUP" 'NR > 1 {
    if ($1 == warm) { h0 = $2; r0 = $3 }
    if ($1 > warm && h0 > 0) {
      dh = ($2 - h0) / h0; dr = ($3 - r0) / r0
      if (dh > mh) mh = dh; if (-dh > mh) mh = -dh
      if (dr > mr) mr = dr; if (-dr > mr) mr = -dr
    }
  }
  END {
    printf "largest deviation from minute %d: heap after GC %.1f %%, RSS %.1f %%\n", warm, mh * 100, mr * 100
    exit (mh > 0.10 || mr > 0.10) ? 1 : 0
  }' "$OUT/samples.tsv"

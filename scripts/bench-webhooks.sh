#!/usr/bin/env bash
# Webhook cost and throughput (docs/webhooks.md "Cost and throughput"; not part of ./run-tests):
# runs the packaged server twice side by side, without webhooks and with a message.published
# webhook to a local receiver (node:http, answers 200), floods one channel with
# `rms bench throughput`, and prints for each the server's CPU time per message and, for the
# webhook run, the rms_webhook_* series of /metrics (delivered vs overflowed).
#
# Usage: scripts/bench-webhooks.sh [messages=200000] [batchSize=100]
# Needs cli/target/rms.jar (built if missing), node and curl. Writes under target/bench-webhooks/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MESSAGES="${1:-200000}"
BATCH="${2:-100}"
OUT="$ROOT/target/bench-webhooks"
mkdir -p "$OUT"
JAR="$ROOT/cli/target/rms.jar"
if [[ ! -f "$JAR" ]]; then
  mvn -B -ntp -q -DskipTests -pl cli -am package
fi
TCK=$(getconf CLK_TCK)

cat > "$OUT/receiver.mjs" <<'EOF'
import { createServer } from "node:http";
let posts = 0, events = 0;
const s = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => { posts++; events += JSON.parse(Buffer.concat(chunks)).events.length; res.writeHead(200).end(); });
});
s.listen(0, "127.0.0.1", () => console.log(`port ${s.address().port}`));
process.on("SIGTERM", () => { console.log(`receiver: ${posts} POSTs, ${events} events`); process.exit(0); });
EOF
node "$OUT/receiver.mjs" > "$OUT/receiver.log" 2>&1 &
RECEIVER=$!
SERVER=""
trap 'kill $RECEIVER $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q '^port ' "$OUT/receiver.log" && break; sleep 0.1; done
RPORT=$(awk '/^port /{print $2}' "$OUT/receiver.log")

config() { # $1 = with webhooks (yes/no)
  cat <<EOF
server: {host: 127.0.0.1, port: 0}
webhooks: {batchSize: $BATCH}
apps:
  - id: demo
    publishableKeys: [{key: pk_live_demo, channels: ["**"], actions: [subscribe, publish]}]
    secretKeys: [{id: sk_id_demo, secret: sk_secret_demo_change_me}]
    limits: {messageRate: 1000000, messageBurst: 1000000}
EOF
  if [[ "$1" == yes ]]; then
    cat <<EOF
    webhooks:
      - {url: "http://127.0.0.1:$RPORT/hooks", secret: whsec_bench_0123456789, events: [message.published]}
EOF
  fi
}

run() { # $1 = label, $2 = with webhooks
  config "$2" > "$OUT/$1.yaml"
  java -jar "$JAR" serve --config "$OUT/$1.yaml" > "$OUT/$1-server.log" 2>&1 &
  local server=$! url=""
  SERVER=$server
  for _ in $(seq 1 150); do
    url=$(grep -o 'ws://127.0.0.1:[0-9]*' "$OUT/$1-server.log" | head -1 || true)
    [[ -n "$url" ]] && break
    sleep 0.2
  done
  [[ -n "$url" ]] || { echo "$1: the server did not start (see $OUT/$1-server.log)" >&2; exit 1; }
  java -jar "$JAR" bench throughput --url "$url" --key pk_live_demo --messages 50000 > "$OUT/$1-warmup.log" 2>&1 \
    || { echo "$1: warm-up failed (see $OUT/$1-warmup.log)" >&2; exit 1; }
  local t0 t1
  t0=$(awk '{print $14+$15}' "/proc/$server/stat")
  java -jar "$JAR" bench throughput --url "$url" --key pk_live_demo --messages "$MESSAGES" 2>&1 | tail -2
  t1=$(awk '{print $14+$15}' "/proc/$server/stat")
  local ms=$(( (t1 - t0) * 1000 / TCK ))
  echo "$1: server CPU $ms ms for $MESSAGES messages = $(( ms * 1000 / MESSAGES )) µs/message"
  if [[ "$2" == yes ]]; then
    sleep 3 # let the last batches go out
    curl -s "${url/ws:/http:}/metrics" | grep '^rms_webhook' || true
  fi
  kill "$server"
  wait "$server" 2>/dev/null || true
  SERVER=""
}

run plain no
run webhooks yes
kill $RECEIVER
wait $RECEIVER 2>/dev/null || true
tail -1 "$OUT/receiver.log"

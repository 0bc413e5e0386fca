# Sourced by the benchmark scripts. free_port: prints a TCP port nothing listens on (loopback
# benchmarks start their servers on it; a port found free may still be taken before the server
# binds it, so callers check that the server started).
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

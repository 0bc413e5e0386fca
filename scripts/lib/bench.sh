# Sourced by the benchmark scripts (bench-vs-nats.sh, cold-probe.sh); expects ROOT (the checkout).

# free_port: prints a TCP port nothing listens on (loopback benchmarks start their servers on it;
# a port found free may still be taken before the server binds it, so callers check that the
# server started).
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

# rms_default_opts: rms's default JVM options from dist/jvm.options on one line, as bin/rms puts
# them on the java command line (one option a line, # comments; docs/operations.md "JVM options").
rms_default_opts() {
  sed -e '/^[[:space:]]*#/d' "$ROOT/dist/jvm.options" | tr '\n' ' '
}

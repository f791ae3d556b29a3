#!/usr/bin/env bash
# What scraping /metrics costs a Junction node: durable STOMP-over-WebSocket bench runs against
# a running node, alternating without and with scraping, each run on a fresh queue.
#
#   bench/scrape-overhead.sh [HTTP_BASE] [PAIRS] [INTERVAL] [SECONDS]
#   defaults: http://127.0.0.1:8080 6 100ms 20
#
# BROKER_PID (optional) is the node's process id: each line then also gives the node's CPU
# time during the run and per message. The STOMP target cannot delete its queues, so the
# script deletes the bench-* queues over HTTP before each run. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-http://127.0.0.1:8080}
PAIRS=${2:-6}
INTERVAL=${3:-100ms}
SECONDS_PER_RUN=${4:-20}
JAR=target/junction.jar
WS="ws${BASE#http}/ws"
BENCH=(java -jar "$JAR" bench --url "$WS" --persistent --ack client --producers 1 --consumers 1
  --duration "$SECONDS_PER_RUN")
TCK=$(getconf CLK_TCK)

cpu_ticks() {
  if [ -n "${BROKER_PID:-}" ]; then awk '{print $14 + $15}' "/proc/$BROKER_PID/stat"; else echo 0; fi
}

clean() {
  for q in $(curl -sf "$BASE/api/queues" | grep -o '"name":"bench-[^"]*"' | cut -d'"' -f4); do
    curl -sf -o /dev/null -X DELETE "$BASE/api/queues/%2F/$q"
  done
}

run() {
  local label=$1; shift
  clean
  local load before after out msgs cpu_ms
  load=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks)
  out=$("${BENCH[@]}" "$@")
  after=$(cpu_ticks)
  msgs=$(echo "$out" | sed -n 's/^bench: \([0-9]*\) confirmed publishes.*/\1/p')
  cpu_ms=$(( (after - before) * 1000 / TCK ))
  echo "$label load=$load node_cpu_ms=$cpu_ms node_us_per_msg=$(( cpu_ms * 1000 / (msgs > 0 ? msgs : 1) ))" \
    "$(echo "$out" | grep '^RESULT')" "$(echo "$out" | grep '^SCRAPES' || true)"
}

run "warm-up"
for i in $(seq "$PAIRS"); do
  run "pair=$i plain "
  run "pair=$i scrape" --scrape /metrics --scrape-interval "$INTERVAL"
done
clean

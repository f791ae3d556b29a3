#!/usr/bin/env bash
# The STOMP-over-WebSocket scenarios of docs/benchmarks.md, run against one broker, each
# RESULT line printed with the machine's load average taken just before the run.
#
# usage: bench/web-stomp-scenarios.sh WS_URL [DURATION_S] [-- extra bench options]
#   bench/web-stomp-scenarios.sh ws://127.0.0.1:15674/ws 15 -- --login guest --passcode guest
#   bench/web-stomp-scenarios.sh ws://127.0.0.1:8080/ws 15
# Needs target/junction.jar (mvn -B -q package -DskipTests). STOMP cannot delete queues: on
# RabbitMQ run bench/rabbitmq-web-stomp.sh clean afterwards; restart Junction with a fresh
# data directory before repeating the fanout scenario, or old bench queues take copies too.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:?usage: $0 WS_URL [DURATION_S] [-- extra bench options]}
DURATION=${2:-15}
shift $(( $# >= 2 ? 2 : 1 ))
if [ "${1:-}" == "--" ]; then shift; fi
EXTRA=("$@")

run() {
  local name=$1
  shift
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  local result
  result=$(java -jar target/junction.jar bench --url "$URL" --duration "$DURATION" "${EXTRA[@]}" "$@" 2>&1 \
    | tee -a "${BENCH_LOG:-/dev/null}" | grep -E '^(RESULT|bench: failed)' || echo "no RESULT")
  printf '%-28s load %s | %s | %s\n' "$name" "$load" "$*" "$result"
}

run "durable 1p/1c client ack" --persistent --ack client --producers 1 --consumers 1
run "durable 4p/4c client ack" --persistent --ack client --producers 4 --consumers 4 --queues 4
run "transient 1p/1c auto ack" --transient --ack auto --producers 1 --consumers 1
run "fanout 10 durable" --persistent --ack client --fanout 10
run "latency at 1000 msg/s" --persistent --ack client --rate 1000

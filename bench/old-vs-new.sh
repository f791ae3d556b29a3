#!/usr/bin/env bash
# Two builds of Junction measured alternately in one sitting, so that the machine's drift
# (other work, thermal, PostgreSQL's state) falls on both alike: durable 1 producer / 1
# consumer, in-process (the Java Broker API) and over STOMP on WebSocket against a node
# started from the same jar, each on a fresh embedded PostgreSQL with fsync on.
#
#   bench/old-vs-new.sh OLD.jar NEW.jar [PAIRS] [SECONDS]      defaults: 4 pairs, 20 s
#
# Each pair runs OLD then NEW (the order flips every other pair). The STOMP runs drive the
# node with the bench client of NEW.jar for both, so that only the broker differs. Prints
# one line per run and the mean per build and scenario; a run that gives no RESULT line stops
# the script with that run's output. See docs/benchmarks.md.
set -euo pipefail
OLD=$(realpath "$1")
NEW=$(realpath "$2")
PAIRS=${3:-4}
SECONDS_PER_RUN=${4:-20}
PORT=18190
WORK=$(mktemp -d /tmp/junction-oldnew.XXXXXX)
NODE=
trap 'if [ -n "$NODE" ]; then kill $NODE 2>/dev/null; wait $NODE 2>/dev/null; fi; rm -rf "$WORK"' EXIT
# Away from any conf/ of a checkout: each jar runs on its own defaults (an older jar refuses newer keys).
cd "$WORK"

# The msg/s of a bench run's RESULT line; without one, the run's output and a failure.
sent() {
  local out
  out=$(cat)
  grep -o 'RESULT sent=[0-9]*' <<< "$out" | tail -1 | cut -d= -f2 | grep . || { echo "$out" >&2; return 1; }
}

inprocess() {
  java -jar "$1" bench --persistent --producers 1 --consumers 1 --duration "$SECONDS_PER_RUN" 2>&1 | sent
}

stomp() {
  local dir="$WORK/node-$RANDOM"
  JUNCTION_HTTP_HOST=127.0.0.1 JUNCTION_HTTP_PORT=$PORT JUNCTION_STOMP_PORT=0 JUNCTION_DATA_DIR="$dir" \
    java -jar "$1" > "$dir.log" 2>&1 &
  NODE=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null && break; sleep 1; done
  java -jar "$NEW" bench --url "ws://127.0.0.1:$PORT/ws" --persistent --producers 1 --consumers 1 \
    --duration "$SECONDS_PER_RUN" 2>&1 | sent
  kill $NODE; wait $NODE 2>/dev/null || true
  NODE=
  rm -rf "$dir"
}

declare -A runs
for pair in $(seq "$PAIRS"); do
  order=("old" "new")
  if [ $((pair % 2)) -eq 0 ]; then order=("new" "old"); fi
  for scenario in inprocess stomp; do
    for build in "${order[@]}"; do
      jar=$OLD
      [ "$build" = new ] && jar=$NEW
      rate=$($scenario "$jar")
      load=$(cut -d' ' -f1 /proc/loadavg)
      echo "pair $pair $scenario $build sent=$rate load=$load"
      runs[$scenario-$build]="${runs[$scenario-$build]:-} $rate"
    done
  done
done
for key in inprocess-old inprocess-new stomp-old stomp-new; do
  echo "$key:${runs[$key]} mean=$(echo "${runs[$key]}" | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; printf "%.0f", s/NF}')"
done

#!/usr/bin/env bash
# The NDJSON streaming publish figure: uploads of persistent 1 KiB messages with curl into one
# durable queue with no consumer, against a fresh node (from the jar, its embedded PostgreSQL
# on a fresh data directory), the queue purged between uploads.
#
#   bench/ndjson-upload.sh [UPLOADS] [WARM_UPS] [LINES]      defaults: 4 10 100000
#
# The warm-ups are for the JIT: a fresh JVM's C2 compiler thread keeps compiling through the
# first ~700 000 lines (its CPU time per upload falls from ~30 µs to under 1 µs a message by
# the 8th upload), so fewer warm-ups measure the compiler, not the broker.
#
# Extra JUNCTION_* variables in the environment reach the node (e.g.
# JUNCTION_PUBLISH_MAX_IN_FLIGHT=1000). Each line: msg/s, the machine's CPU busy and steal
# time during the upload (from /proc/stat), the store's batches, mean rows per batch and mean
# commit time (from /metrics), and the end of the answer. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
UPLOADS=${1:-4}
WARM=${2:-10}
LINES=${3:-100000}
PORT=18090
DIR=$(mktemp -d /tmp/junction-upload.XXXXXX)
BASE=http://127.0.0.1:$PORT
python3 - "$LINES" "$DIR/upload.ndjson" <<'PY'
import base64, os, sys
payload = base64.b64encode(os.urandom(1024)).decode()
line = '{"routing_key":"up","properties":{"delivery_mode":2},"payload":"%s","payload_encoding":"base64"}\n' % payload
with open(sys.argv[2], 'w') as f:
    f.write(line * int(sys.argv[1]))
PY
JUNCTION_HTTP_HOST=127.0.0.1 JUNCTION_HTTP_PORT=$PORT JUNCTION_STOMP_PORT=0 JUNCTION_DATA_DIR="$DIR/data" \
  java -jar target/junction.jar > "$DIR/node.log" 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null; wait $NODE 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 120); do curl -sf "$BASE/ready" > /dev/null && break; sleep 1; done
curl -sf -o /dev/null -X PUT -H 'content-type: application/json' -d '{"durable":true}' "$BASE/api/queues/%2F/up"

cpu() { awk '/^cpu /{print $2+$3+$4+$7+$8, $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
store() {
  curl -s "$BASE/metrics" | awk '/^junction_store_batch_rows_(count|sum) /{printf "%s ", $2}
    /^junction_store_commit_duration_seconds_sum /{printf "%s ", $2} END {print ""}'
}
upload() {
  curl -sf -o /dev/null -X DELETE "$BASE/api/queues/%2F/up/contents"
  sleep 2
  local b0 s0 t0 b1 s1 t1 c0 r0 d0 c1 r1 d1 start end
  read -r b0 s0 t0 < <(cpu)
  read -r c0 r0 d0 < <(store)
  start=$(date +%s.%N)
  curl -s -T "$DIR/upload.ndjson" -X POST -H 'content-type: application/x-ndjson' \
    "$BASE/api/exchanges/%2F/amq.default/publish" -o "$DIR/answer.ndjson"
  end=$(date +%s.%N)
  read -r b1 s1 t1 < <(cpu)
  read -r c1 r1 d1 < <(store)
  awk -v n="$LINES" -v s="$start" -v e="$end" -v b=$((b1 - b0)) -v st=$((s1 - s0)) -v t=$((t1 - t0)) \
    -v c="$c0 $c1" -v r="$r0 $r1" -v d="$d0 $d1" -v tail="$(tail -c 40 "$DIR/answer.ndjson")" 'BEGIN {
      split(c, cc, " "); split(r, rr, " "); split(d, dd, " "); batches = cc[2] - cc[1]
      printf "%.0f msg/s busy %d%% steal %d%% batches %d rows/batch %.0f commit %.1f ms %s\n", n / (e - s),
        100 * b / t, 100 * st / t, batches, (rr[2] - rr[1]) / batches, 1000 * (dd[2] - dd[1]) / batches, tail
    }'
}
for _ in $(seq "$WARM"); do upload > /dev/null; done
for _ in $(seq "$UPLOADS"); do upload; done

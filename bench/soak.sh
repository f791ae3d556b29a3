#!/usr/bin/env bash
# The soak run of docs/benchmarks.md: measures the in-process broker's maximum confirmed
# publish rate for 30 s, then publishes and consumes durable messages at 80 % of it for
# MINUTES (default 30), sampling every 10 s into OUTDIR/soak.csv and OUTDIR/soak.png, and
# prints the SOAK line (slopes over the last 20 minutes). Further arguments go to both
# bench runs (e.g. --size 4096 --producers 2).
#
#   bench/soak.sh [MINUTES] [OUTDIR] [bench options…]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
out=${2:-target/soak}
shift $(( $# < 2 ? $# : 2 ))
mkdir -p "$out"
[ -f target/junction.jar ] || mvn -B -q package -DskipTests

echo "soak: measuring the maximum for 30 s"
java -jar target/junction.jar bench --duration 30 "$@" > "$out/max.log" 2>&1
max=$(sed -n 's/^RESULT sent=\([0-9]*\).*/\1/p' "$out/max.log")
if [ -z "$max" ] || [ "$max" -eq 0 ]; then
  echo "soak: the measuring run moved nothing, see $out/max.log" >&2
  exit 1
fi
rate=$(( max * 80 / 100 ))
echo "soak: maximum $max msg/s; soaking at $rate msg/s for $minutes min"
java -jar target/junction.jar bench --duration $(( minutes * 60 )) --rate "$rate" --samples "$out" "$@" \
  > "$out/soak.log" 2>&1 || { tail -20 "$out/soak.log" >&2; exit 1; }
grep -E '^(soak:|SOAK|RESULT|bench: [0-9]+ confirmed)' "$out/soak.log"

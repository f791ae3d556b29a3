#!/usr/bin/env bash
# What scraping /metrics costs a Junction node: durable STOMP-over-WebSocket bench runs against
# a running node, each alternating phases without and with scraping (--scrape-alternate), so
# that both rates come from the same minutes of the same run.
#
#   bench/scrape-overhead.sh [HTTP_BASE] [RUNS] [INTERVAL] [SECONDS] [PHASE_SECONDS]
#   defaults: http://127.0.0.1:8080 3 100ms 180 3
#
# Prints each run's SCRAPE-AB line, then the pooled figure over every run's pairs of phases
# (a scraped phase and the plain phase before it), leaving out each run's first pair, in
# which the bench's own JVM is still warming up. The STOMP target cannot delete its queues,
# so the script deletes the bench-* queues over HTTP before each run. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-http://127.0.0.1:8080}
RUNS=${2:-3}
INTERVAL=${3:-100ms}
SECONDS_PER_RUN=${4:-180}
PHASE=${5:-3}
JAR=target/junction.jar
WS="ws${BASE#http}/ws"

clean() {
  for q in $(curl -sf "$BASE/api/queues" | grep -o '"name":"bench-[^"]*"' | cut -d'"' -f4); do
    curl -sf -o /dev/null -X DELETE "$BASE/api/queues/%2F/$q"
  done
}

phases=""
for i in $(seq "$RUNS"); do
  clean
  out=$(java -jar "$JAR" bench --url "$WS" --persistent --ack client --producers 1 --consumers 1 \
    --duration "$SECONDS_PER_RUN" --scrape /metrics --scrape-interval "$INTERVAL" --scrape-alternate "$PHASE")
  echo "run=$i load=$(cut -d' ' -f1 /proc/loadavg) $(echo "$out" | grep '^SCRAPE-AB')"
  echo "      $(echo "$out" | grep '^SCRAPES') $(echo "$out" | grep '^RESULT')"
  phases+="$(echo "$out" | sed -n 's/^bench: phases (msg\/s)://p')"$'\n'
done
clean
# Each line: plain=R scraped=R plain=R ... ; pairs are (plain, the scraped phase after it).
echo "$phases" | awk '
  NF {
    for (i = 3; i + 1 <= NF; i += 2) {  # from the second pair on
      split($i, p, "="); split($(i + 1), s, "=");
      plain += p[2]; scraped += s[2]; r[n++] = s[2] / p[2]; sum += s[2] / p[2]
    }
  }
  END {
    if (n == 0) { print "no complete pair"; exit 1 }
    mean = sum / n; for (k = 0; k < n; k++) var += (r[k] - mean) ^ 2
    se = n > 1 ? sqrt(var / (n - 1) / n) : 0
    printf "pooled: %d pairs, scraped/plain %.3f (rate sums), mean of pair ratios %.3f +- %.3f (standard error)\n",
      n, scraped / plain, mean, se
  }'

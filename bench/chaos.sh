#!/usr/bin/env bash
# The chaos run of docs/benchmarks.md: three broker processes on one PostgreSQL, HTTP clients
# publishing with confirms and consuming with manual acks on queues owned by every node, and
# the owner of a busy queue killed with kill -9 KILLS times (default 100), one node after the
# other, each restarted after its queue moved. It is ProcessFailoverClusterIT's kill test with
# more rounds (the suite runs 3). Prints each round and the CHAOS line: confirmed publishes,
# confirmed messages lost, messages delivered more than once (all must be flagged redelivered
# and none may come after its ack was confirmed) and the failover times (kill -> first delivery
# from the new owner). Takes about 20 s a round.
#
#   bench/chaos.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-100}
log=target/chaos-$kills.log
mkdir -p target
status=0
mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='ProcessFailoverClusterIT#killNine*' -Djunction.chaos.kills="$kills" > "$log" 2>&1 || status=$?
grep -E '^\[failover\] (kill|kill0|3 broker)|^CHAOS' "$log" | grep -v ' ids delivered' || true
grep -E '^CHAOS' "$log" > /dev/null || { echo "chaos: no CHAOS line, see $log" >&2; exit 1; }
[ "$status" -eq 0 ] || echo "chaos: the run failed (a rule broken or a wait timed out), see $log" >&2
exit "$status"

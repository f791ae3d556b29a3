#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read the network (docs/fuzzing.md): every
# @FuzzTest under src/test/java, one after the other, each for SECONDS in fuzzing mode.
#
#   bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET_REGEX]      defaults: 300, every target
#
# It runs Jazzer's own driver rather than `JAZZER_FUZZ=1 mvn test`, because the JUnit runner
# takes the duration only from the annotation. Each target starts from its committed seed
# corpus (src/test/resources/<package>/<Class>Inputs/<method>/) and from what earlier runs found
# (.cifuzz-corpus/, git-ignored, shared with `JAZZER_FUZZ=1 mvn test`). A finding is written to
# target/fuzz/findings/ and the next target goes on; an input slower than 10 s is written there
# too (slow-unit-*) and counted apart. Per target: executions, exec/s, coverage
# (libFuzzer's edges "cov" and features "ft"), corpus size and findings; the logs are in
# target/fuzz/. Jazzer's regex-injection sanitizer is off: RabbitMQ's permissions are regular
# expressions from the client by design, checked (Access.checkExpression) before use.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-300}
FILTER=${2:-}
OUT=target/fuzz
mkdir -p "$OUT/findings"

mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$OUT/test.cp" -Dmdep.includeScope=test
# A copy of the classes, so that a build meanwhile (mvn clean, a recompile) cannot pull them away.
rm -rf "$OUT/classes" "$OUT/test-classes"
cp -r target/classes "$OUT/classes"
cp -r target/test-classes "$OUT/test-classes"
CP="$OUT/test-classes:$OUT/classes:$(cat "$OUT/test.cp")"

# class#method of every @FuzzTest: the method is the first "void name(" after the annotation.
targets=$(grep -rl '@FuzzTest' src/test/java | sort | while read -r f; do
  cls=$(echo "${f#src/test/java/}" | sed 's#/#.#g; s#\.java$##')
  awk '/@FuzzTest/ {want=1; next} want && match($0, /void [A-Za-z0-9_]+\(/) {
    print substr($0, RSTART + 5, RLENGTH - 6); want=0 }' "$f" | sed "s/^/$cls#/"
done)

printf '%-70s %12s %8s %6s %7s %8s %8s %5s\n' target executions exec/s cov ft corpus findings slow
for t in $targets; do
  [[ -n "$FILTER" && ! "$t" =~ $FILTER ]] && continue
  cls=${t%#*}; method=${t#*#}; simple=${cls##*.}
  seeds="src/test/resources/$(echo "${cls%.*}" | tr . /)/${simple}Inputs/$method"
  corpus=".cifuzz-corpus/$cls/$method"
  mkdir -p "$corpus"
  log="$OUT/$simple.$method.log"
  before=$(ls "$OUT/findings" | grep -vc slow-unit || true)
  slow_before=$(ls "$OUT/findings" | grep -c slow-unit || true)
  # A finding ends libFuzzer with a non-zero status; keep going to the next target.
  java -Xmx768m -cp "$CP" com.code_intelligence.jazzer.Jazzer \
    --target_class="$cls" --target_method="$method" \
    '--instrumentation_includes=io.junctionmq.**' '--custom_hook_includes=io.junctionmq.**' \
    --keep_going=20 --disabled_hooks=com.code_intelligence.jazzer.sanitizers.RegexInjection \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$OUT/findings/$simple.$method-" \
    "$corpus" "$seeds" >"$log" 2>&1 || true
  findings=$(( $(ls "$OUT/findings" | grep -vc slow-unit || true) - before ))
  slow=$(( $(ls "$OUT/findings" | grep -c slow-unit || true) - slow_before ))
  done_line=$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  execs=$(sed -n -e 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n -e 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$done_line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
  printf '%-70s %12s %8s %6s %7s %8s %8s %5s\n' "$simple.$method" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
    "${ft:-?}" "${corp:-?}" "$findings" "$slow"
done

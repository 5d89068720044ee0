#!/usr/bin/env bash
# End-to-end benchmark of the cashback pipeline on the real local Kafka and PostgreSQL
# (scripts/stack): Kafka -> JSON decode -> filter -> PostgreSQL + Kafka, dead letters to
# PostgreSQL, for both delivery guarantees.
#
#   throughput  N events produced beforehand, then `sluice run --bounded`, RUNS times for each
#               guarantee (interleaved, each run a fresh consumer group and progress): events per
#               CPU-second of the sluice process (user + system time, as sluice reports it), each
#               run and the median. Kafka, PostgreSQL and sluice share the machine's cores, so
#               single runs vary by 20% or more; compare medians.
#   latency     events produced at R/s for S seconds while the pipeline streams; latency_probe
#               reads the output topic (read_committed) and reports percentiles of
#               (time a row is readable) - (Kafka timestamp of its input record)
#
#   bench/cashback_kafka.sh [events=1000000] [rate=20000] [seconds=20] [runs=5]   (runs=0: latency only)
#
#   SLUICE_BIN=path     measure another build instead of build/release/src/sluice
#   SLUICE_BIN_B=path   throughput only: also measure this build, each run of one build followed
#                       by the same run of the other (interleaved), with peak RSS; medians per build
#   SLUICE_RUN_ARGS_B="--http 127.0.0.1:18089"
#                       throughput only: B (the same binary unless SLUICE_BIN_B names another)
#                       runs with these extra `sluice run` arguments, e.g. the metrics endpoint's
#                       cost; with --http, /metrics and /api/pipeline are fetched once a second
#                       while B runs (a scraper and an open web UI)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVENTS=${1:-1000000}
RATE=${2:-20000}
SECONDS_=${3:-20}
RUNS=${4:-5}
sluice=${SLUICE_BIN:-$ROOT/build/release/src/sluice}  # SLUICE_BIN: compare another build
probe="$ROOT/build/release/bench/latency_probe"
[[ -x $sluice && -x $probe ]] || { echo "build first: scripts/build release" >&2; exit 1; }
"$ROOT/scripts/stack" up >/dev/null
# shellcheck disable=SC1091
source "$ROOT/.stack/env"
export PGPASSWORD=sluice
work=$(mktemp -d /tmp/sluice-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
id=$(date +%s)

# The example pipeline, renamed per run, with the input record's Kafka timestamp carried to the
# output topic as produced_at.
make_sql() {  # name guarantee input_topic
  local name=$1 guarantee=$2 input=$3
  sed -e "s/'pipeline.name' = 'cashback'/'pipeline.name' = '$name'/" \
      -e "s/'topic' = 'cashback_topic'/'topic' = '$input'/" \
      -e "s/'topic' = 'eligible_customers_topic'/'topic' = '${name}_out', 'json.timestamp-format.standard' = 'SQL'/" \
      -e "s/'sluice-cashback'/'$name'/" \
      -e "s/'exactly-once'/'$guarantee'/" \
      -e "s/\beligible_customers\b/${name}_eligible/g" \
      -e "s/error_table/${name}_errors/g" \
      -e "s/  merchant_id    STRING$/  merchant_id    STRING,\n  produced_at    TIMESTAMP METADATA FROM 'timestamp'/" \
      -e "s/^  \`timestamp\` TIMESTAMP$/  \`timestamp\` TIMESTAMP,\n  produced_at TIMESTAMP/" \
      -e "s/merchant_id, \`timestamp\`$/merchant_id, \`timestamp\`, produced_at/" \
      "$ROOT/examples/cashback.sql" >"$work/$name.sql"
}

# A run's tables are dropped once it is done: PostgreSQL would otherwise analyze and vacuum
# hundreds of thousands of fresh rows while the next run is measured.
drop_tables() {  # name
  psql "$SLUICE_PG_DSN" -q -X -c \
    "DROP TABLE IF EXISTS ${1}_eligible, ${1}_errors; DELETE FROM sluice_progress WHERE pipeline = '$1'" \
    >/dev/null 2>&1 || true
}

# Latency first: the throughput run leaves the broker and PostgreSQL busy (log flushes,
# autovacuum of a million fresh rows) for a while, which would show up as latency.
echo "== latency: $RATE events/s for $SECONDS_ s"
for guarantee in at-least-once exactly-once; do
  name="lat_${guarantee//-/_}_$id"
  make_sql "$name" "$guarantee" "${name}_in"
  "$sluice" produce --scenario cashback --topic "${name}_in" --count 1 --quiet   # creates the topic
  "$sluice" run "$work/$name.sql" >"$work/$name.log" 2>&1 &
  pid=$!
  sleep 2
  "$probe" --topic "${name}_out" --seconds $((SECONDS_ + 3)) --warmup 2 >"$work/$name.probe" &
  probe_pid=$!
  sleep 1
  "$sluice" produce --scenario cashback --topic "${name}_in" --count $((RATE * SECONDS_)) --rate "$RATE" --quiet
  wait "$probe_pid"
  kill -INT "$pid"; wait "$pid" || true
  printf '%-14s %s\n' "$guarantee" "$(cat "$work/$name.probe")"
  grep "records per CPU-second" "$work/$name.log" | sed 's/^/               sluice: /'
  drop_tables "$name"
done

[[ $RUNS -gt 0 ]] || exit 0
echo "== throughput: $EVENTS events, 1% malformed, produced beforehand; $RUNS runs each"
"$sluice" produce --scenario cashback --topic "bench_in_$id" --count "$EVENTS" --bad-fraction 0.01 --quiet
builds=(A)
declare -A bin=([A]=$sluice) run_args=([A]="")
if [[ -n ${SLUICE_BIN_B:-} || -n ${SLUICE_RUN_ARGS_B:-} ]]; then
  builds=(A B)
  bin[B]=${SLUICE_BIN_B:-$sluice}
  run_args[B]=${SLUICE_RUN_ARGS_B:-}
  echo "   A = $sluice"
  echo "   B = ${bin[B]} ${run_args[B]}"
fi
# Fetches the metrics endpoint of the run in progress once a second until $work/scrape.stop.
scrape() {  # address
  while [[ ! -e $work/scrape.stop ]]; do
    curl -s -o /dev/null "http://$1/metrics" || true
    curl -s -o /dev/null "http://$1/api/pipeline" || true
    sleep 1
  done
}
declare -A per_run rss
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for run in $(seq 1 "$RUNS"); do
  for guarantee in at-least-once exactly-once; do
    for build in "${builds[@]}"; do
      name="bench_${guarantee//-/_}_${id}_${run}_$build"
      make_sql "$name" "$guarantee" "bench_in_$id"
      # Each run in its own folder: its spill, state and lock files start empty.
      mkdir -p "$work/$name.d"
      scraper=""
      if [[ ${run_args[$build]} =~ --http[[:space:]=]+([^[:space:]]+) ]]; then
        rm -f "$work/scrape.stop"
        scrape "${BASH_REMATCH[1]}" &
        scraper=$!
      fi
      # shellcheck disable=SC2086
      (cd "$work/$name.d" && /usr/bin/time -f 'peak_rss_kb %M' "${bin[$build]}" run --bounded ${run_args[$build]} \
        "$work/$name.sql" >"$work/$name.log" 2>&1) || true
      if [[ -n $scraper ]]; then
        touch "$work/scrape.stop"
        wait "$scraper" || true
      fi
      line=$(grep "records per CPU-second" "$work/$name.log")
      peak=$(sed -nE 's/^peak_rss_kb ([0-9]+)$/\1/p' "$work/$name.log")
      printf '%-14s %s run %d: %s; peak RSS %s MiB\n' "$guarantee" "$build" "$run" "$line" "$((peak / 1024))"
      drop_tables "$name"
      per_run[$guarantee/$build]+="$(sed -E 's/.*: ([0-9]+) records per CPU-second.*/\1/' <<<"$line") "
      rss[$guarantee/$build]+="$((peak / 1024)) "
    done
  done
done
for guarantee in at-least-once exactly-once; do
  for build in "${builds[@]}"; do
    # shellcheck disable=SC2086
    printf '%-14s %s median %s records per CPU-second, peak RSS median %s MiB over %d runs\n' \
      "$guarantee" "$build" "$(median ${per_run[$guarantee/$build]})" "$(median ${rss[$guarantee/$build]})" "$RUNS"
  done
done

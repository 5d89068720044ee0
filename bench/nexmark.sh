#!/usr/bin/env bash
# Nexmark queries (bench/nexmark/q*.sql) on sluice: events per CPU-second of the sluice process
# (user + system time, as `sluice run` reports it), next to Flink's published per-core figure.
#
# Each query file is appended to bench/nexmark/nexmark_source.sql with ${NEXMARK_CONNECTOR} and
# ${NEXMARK_SINK} filled in; the sink is always 'blackhole', so the figure is reading, decoding
# and the query, not writing.
#
#   datagen (default)  the nexmark scenario generated in-process (seed 1), every query file;
#                      rows filled in directly ('encoding' = 'none'), as Flink's Nexmark source
#                      makes them, so no JSON is written or parsed
#   --json             datagen, but each event made as JSON text and decoded by the pipeline, as
#                      it would be from Kafka
#   --kafka            N events produced once to a fresh topic of the local stack (one
#                      partition, seed 1), then each query (default q5 and q7) read as JSON with
#                      `sluice run --bounded`; needs `scripts/stack up kafka`
#
# Environment: SLUICE_BIN (default build/release/src/sluice), SLUICE_KAFKA_BOOTSTRAP (default
# from .stack/env, else 127.0.0.1:9092).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NEXMARK="$ROOT/bench/nexmark"

usage() {
  cat <<'EOF'
usage: bench/nexmark.sh [--events N] [--json | --kafka] [query...]

Runs Nexmark queries (bench/nexmark/q*.sql) on sluice into a blackhole sink and prints events per
CPU-second of the sluice process next to Flink's published per-core figure.

  --events N   events to generate (default 10,000,000 with datagen, 2,000,000 with --kafka)
  --json       with datagen: make each event as JSON and decode it (default: fill the columns
               directly, as Flink's Nexmark source does)
  --kafka      produce the events to a Kafka topic of the local stack once, then read it with
               `sluice run --bounded` (default queries q5 q7); needs `scripts/stack up kafka`
  query        q0, q5, ... or 0, 5, ... (default: every bench/nexmark/q*.sql with datagen)

environment
  SLUICE_BIN              the sluice binary (default build/release/src/sluice)
  SLUICE_KAFKA_BOOTSTRAP  Kafka brokers (default: .stack/env, else 127.0.0.1:9092)
EOF
}

events=
kafka=0
json=0
queries=()
while (($#)); do
  case $1 in
    --events) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; events=$2; shift 2 ;;
    --events=*) events=${1#--events=}; shift ;;
    --kafka) kafka=1; shift ;;
    --json) json=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) queries+=("q${1#q}"); shift ;;
  esac
done
events=${events//,/}
events=${events//_/}
if [[ -z $events ]]; then
  if ((kafka)); then events=2000000; else events=10000000; fi
fi
[[ $events =~ ^[1-9][0-9]*$ ]] || { echo "--events wants a positive integer, found '$events'" >&2; exit 2; }
if ((${#queries[@]} == 0)); then
  if ((kafka)); then
    queries=(q5 q7)
  else
    # Every query file, in numeric order.
    while IFS= read -r q; do queries+=("$q"); done < <(
      for f in "$NEXMARK"/q*.sql; do basename "$f" .sql; done | sort -t q -k 2 -n)
  fi
fi
for q in "${queries[@]}"; do
  [[ -f $NEXMARK/$q.sql ]] || { echo "no query $q: bench/nexmark/$q.sql does not exist" >&2; exit 2; }
done

SLUICE_BIN=${SLUICE_BIN:-$ROOT/build/release/src/sluice}
[[ -x $SLUICE_BIN ]] || { echo "no sluice binary at $SLUICE_BIN: scripts/build release (or set SLUICE_BIN)" >&2; exit 1; }

work=$(mktemp -d /tmp/sluice-nexmark.XXXXXX)
topic="nexmark_bench_$$"
topic_made=0

# Deletes the benchmark topic (best effort: it holds every produced event) with Kafka's own
# TopicCommand from .deps/kafka, as scripts/stack does.
delete_topic() {
  local java
  java=$(command -v java) || return 0
  [[ -d $ROOT/.deps/kafka/libs ]] || return 0
  timeout 60 "$java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$ROOT/.deps/kafka/libs/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --delete --topic "$topic" \
    >/dev/null 2>&1 || echo "note: could not delete topic $topic" >&2
}
cleanup() {
  if ((topic_made)); then delete_topic; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Flink's published Nexmark throughput, events per second per core.
flink_per_core() {
  case $1 in
    q0) echo 155000 ;;
    q5) echo 22000 ;;
    q7) echo 12300 ;;
    *) echo - ;;
  esac
}

# The query's SQL with both placeholders filled in.
make_sql() {  # query connector-options out-file
  local q=$1 connector=$2 out=$3
  local sink="'connector' = 'blackhole'"
  {
    cat "$NEXMARK/nexmark_source.sql"
    echo
    cat "$NEXMARK/$q.sql"
  } | awk -v c="$connector" -v s="$sink" '
      { gsub(/\$\{NEXMARK_CONNECTOR\}/, c); gsub(/\$\{NEXMARK_SINK\}/, s); print }' >"$out"
}

if ((kafka)); then
  if [[ -z ${SLUICE_KAFKA_BOOTSTRAP:-} && -f $ROOT/.stack/env ]]; then
    # shellcheck disable=SC1091
    source "$ROOT/.stack/env"
  fi
  bootstrap=${SLUICE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}
  if ! "$ROOT/scripts/stack" status kafka >/dev/null 2>&1; then
    echo "Kafka of the local stack is not up: start it with 'scripts/stack up kafka' (status: scripts/stack status)" >&2
    exit 2
  fi
  echo "== producing $events nexmark events to topic $topic ($bootstrap, 1 partition, seed 1)"
  topic_made=1
  "$SLUICE_BIN" produce --scenario nexmark --topic "$topic" --count "$events" --seed 1 \
    --partitions 1 --quiet --bootstrap-servers "$bootstrap" 2>&1 | sed 's/^/   /'
  source_name=kafka
  run_args=(run --bounded)
else
  if ((json)); then source_name=datagen-json; else source_name=datagen; fi
  run_args=(run)
fi

echo "== $source_name: $events events per query, blackhole sink, $SLUICE_BIN"
rows=()
for q in "${queries[@]}"; do
  if ((kafka)); then
    connector="'connector' = 'kafka', 'topic' = '$topic', 'properties.bootstrap.servers' = '$bootstrap', 'properties.group.id' = 'nexmark_bench_$$_$q', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json'"
  else
    encoding=none
    ((json)) && encoding=json
    connector="'connector' = 'datagen', 'scenario' = 'nexmark', 'number-of-rows' = '$events', 'seed' = '1', 'encoding' = '$encoding'"
  fi
  make_sql "$q" "$connector" "$work/$q.sql"
  printf '   %s ... ' "$q"
  # A fresh state folder per run: a checkpoint left by an earlier run would resume after it.
  if ! "$SLUICE_BIN" "${run_args[@]}" "$work/$q.sql" --set "state.checkpoints.dir=$work/state-$q" \
      >"$work/$q.log" 2>&1; then
    echo "failed:"
    sed 's/^/     /' "$work/$q.log" >&2
    exit 1
  fi
  # "<records> records in <wall> s (<cpu> CPU-s of sluice: <rate> records per CPU-second)"
  summary=$(grep -E '^[0-9]+ records in [0-9.]+ s \([0-9.]+ CPU-s of sluice: [0-9]+ records per CPU-second\)$' "$work/$q.log" | tail -n 1) || true
  [[ -n $summary ]] || { echo "no summary line:"; sed 's/^/     /' "$work/$q.log" >&2; exit 1; }
  read -r n _ _ wall _ cpu _ _ _ rate _ <<<"${summary//[()]/}"
  out=$(sed -nE "s/^sink nexmark_$q: ([0-9]+) rows written.*/\1/p" "$work/$q.log" | tail -n 1)
  echo "$summary"
  rows+=("$q $source_name $n ${out:--} $wall $cpu $rate $(flink_per_core "$q")")
done

echo
# Thousands separators for the integer columns.
group() { LC_ALL=C awk -v n="$1" 'BEGIN { if (n !~ /^[0-9]+$/) { print n; exit } s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print n s }'; }
fmt='%-5s  %-12s  %12s  %12s  %8s  %8s  %14s  %14s  %7s\n'
# shellcheck disable=SC2059
printf "$fmt" query source events "rows out" "wall s" CPU-s "events/CPU-s" "Flink/core" ratio
for r in "${rows[@]}"; do
  read -r q src n out wall cpu rate flink <<<"$r"
  ratio=-
  [[ $flink == - ]] || ratio=$(awk -v a="$rate" -v b="$flink" 'BEGIN { printf "%.2fx", a / b }')
  # shellcheck disable=SC2059
  printf "$fmt" "$q" "$src" "$(group "$n")" "$(group "$out")" "$wall" "$cpu" "$(group "$rate")" "$(group "$flink")" "$ratio"
done
echo
echo "events/CPU-s: events read / (user + system CPU seconds of sluice). Flink/core: events per"
echo "second per core in Flink's published Nexmark results; ratio = sluice / Flink."

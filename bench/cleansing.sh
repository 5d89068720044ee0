#!/usr/bin/env bash
# Seed 002's streaming job (examples/cleansing.sql) on the local Kafka (scripts/stack): N people
# records produced beforehand, then `sluice run --bounded` of the example renamed per run (its
# own topics, consumer group and output folder): cleansing into Parquet partitioned by day
# (exactly-once, commit log) and 5-minute windows into a staging topic (exactly-once). Prints
# each run's events per CPU-second of the sluice process (as sluice reports it) and peak RSS,
# then the medians.
#
#   bench/cleansing.sh [events=1000000] [runs=3]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVENTS=${1:-1000000}
RUNS=${2:-3}
sluice=${SLUICE_BIN:-$ROOT/build/release/src/sluice}
[[ -x $sluice ]] || { echo "build first: scripts/build release" >&2; exit 1; }
"$ROOT/scripts/stack" up kafka >/dev/null
# shellcheck disable=SC1091
source "$ROOT/.stack/env"
work=$(mktemp -d /tmp/sluice-cleansing-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
id=$(date +%s)
input="cleansing_bench_${id}_in"
"$sluice" produce --quiet --scenario people --topic "$input" --bootstrap-servers "$SLUICE_KAFKA_BOOTSTRAP" \
  --count "$EVENTS" --seed 3
echo "== $EVENTS people records in $input; $RUNS runs"
rates=() rss=()
for ((run = 1; run <= RUNS; run++)); do
  name="cleansing_bench_${id}_${run}"
  sed -e "s/'pipeline.name' = 'cleansing'/'pipeline.name' = '$name'/" \
      -e "s/'test_input'/'$input'/" \
      -e "s/'test_staging'/'${name}_staging'/" \
      -e "s/'properties.group.id' = 'cleansing'/'properties.group.id' = '$name'/" \
      -e "s|127.0.0.1:9092|$SLUICE_KAFKA_BOOTSTRAP|" \
      "$ROOT/examples/cleansing.sql" >"$work/$name.sql"
  (cd "$work" && /usr/bin/time -f 'peak RSS %M KiB' "$sluice" run --bounded "$name.sql" >"$name.log" 2>&1)
  line=$(grep 'records per CPU-second' "$work/$name.log")
  kib=$(grep -o 'peak RSS [0-9]*' "$work/$name.log" | grep -o '[0-9]*$')
  rate=$(echo "$line" | grep -o '[0-9]* records per CPU-second' | grep -o '^[0-9]*')
  printf 'run %d: %s; peak RSS %d MiB\n' "$run" "$line" $((kib / 1024))
  rates+=("$rate") rss+=("$kib")
  rm -rf "$work/out"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf 'median %s records per CPU-second, peak RSS %d MiB\n' "$(median "${rates[@]}")" \
  $(($(median "${rss[@]}") / 1024))

#!/usr/bin/env bash
# The soak run: examples/cashback.sql exactly-once on the local stack for MINUTES at half its
# measured capacity (at most CAP events/s). Its topics keep 5 minutes of input; at 180,000
# events/s an hour writes about 650 M events, so the PostgreSQL output table (about 37% of them)
# needs some 25 GB of free disk: the run drops its topics and tables at the end. Every 10 s it samples sluice's resident memory, open files and threads (/proc) and,
# from its own metrics endpoint (`--http`), the consumer lag and the checkpoint durations. At the
# end it fits a line through the second half of the samples and fails when memory or lag keep
# rising; it writes the samples (CSV) and a plot (PNG, matplotlib) to the output folder.
#
#   bench/soak.sh [minutes=60] [rate=auto] [out=soak-out]
#     rate=auto: a bounded run over 1,000,000 events measures the capacity (events per second
#     of wall time); the soak produces at half of it, at most CAP (default 250000, env SOAK_CAP)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINUTES=${1:-60}
RATE=${2:-auto}
OUT=${3:-soak-out}
CAP=${SOAK_CAP:-250000}
sluice="$ROOT/build/release/src/sluice"
python="$ROOT/.deps/python/bin/python"
[[ -x $sluice ]] || { echo "build first: scripts/build release" >&2; exit 1; }
"$ROOT/scripts/stack" up >/dev/null
# shellcheck disable=SC1091
source "$ROOT/.stack/env"
export PGPASSWORD=sluice
"$python" -c 'import matplotlib' 2>/dev/null ||
  "$ROOT/.deps/python/bin/pip" install -q --disable-pip-version-check matplotlib==3.10.7
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d /tmp/sluice-soak.XXXXXX)
id=$(date +%s)
name="soak_$id"

# The example pipeline on topics and tables of its own.
make_sql() {  # name input_topic
  sed -e "s/'pipeline.name' = 'cashback'/'pipeline.name' = '$1'/" \
      -e "s/'topic' = 'cashback_topic'/'topic' = '$2'/" \
      -e "s/'topic' = 'eligible_customers_topic'/'topic' = '${1}_out'/" \
      -e "s/'sluice-cashback'/'$1'/" \
      -e "s/\beligible_customers\b/${1}_eligible/g" \
      -e "s/error_table/${1}_errors/g" \
      "$ROOT/examples/cashback.sql" >"$work/$1.sql"
}
# Topics that keep 5 minutes, so an hour at full rate does not fill the disk.
make_topic() {  # topic
  java -Xmx256m -cp "$ROOT/.deps/kafka/libs/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$SLUICE_KAFKA_BOOTSTRAP" --create --topic "$1" --partitions 3 \
    --replication-factor 1 --config retention.ms=300000 --config segment.ms=60000 >/dev/null 2>&1
}

if [[ $RATE == auto ]]; then
  make_sql "${name}_cap" "${name}_cap_in"
  make_topic "${name}_cap_in"
  "$sluice" produce --scenario cashback --topic "${name}_cap_in" --count 1000000 --quiet \
    --bootstrap-servers "$SLUICE_KAFKA_BOOTSTRAP"
  (cd "$work" && "$sluice" run --bounded "$work/${name}_cap.sql" >"$work/capacity.log" 2>&1)
  capacity=$(sed -nE 's/^([0-9]+) records in ([0-9.]+) s .*/\1 \2/p' "$work/capacity.log" | awk '{printf "%d", $1 / $2}')
  RATE=$((capacity / 2))
  ((RATE > CAP)) && RATE=$CAP
  echo "capacity: $capacity events/s (1,000,000 events, bounded run); soaking at $RATE events/s"
fi

make_sql "$name" "${name}_in"
make_topic "${name}_in"
make_topic "${name}_out"
port=$((18000 + id % 1000))
(cd "$work" && exec "$sluice" run "$work/$name.sql" --http "127.0.0.1:$port" --quiet >"$work/run.log" 2>&1) &
pid=$!  # the subshell became sluice (exec)
sleep 2
"$sluice" produce --scenario cashback --topic "${name}_in" --count $((RATE * MINUTES * 60)) \
  --rate "$RATE" --bad-fraction 0.01 --quiet --bootstrap-servers "$SLUICE_KAFKA_BOOTSTRAP" &
producer=$!
# What the run made on the stack goes with it, whether it passes, fails or is interrupted.
cleanup() {
  kill "$producer" 2>/dev/null || true
  kill -INT "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
  for topic in "${name}_cap_in" "${name}_in" "${name}_out"; do
    java -Xmx256m -cp "$ROOT/.deps/kafka/libs/*" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$SLUICE_KAFKA_BOOTSTRAP" --delete --if-exists --topic "$topic" >/dev/null 2>&1 || true
  done
  psql "$SLUICE_PG_DSN" -q -X -c \
    "DROP TABLE IF EXISTS ${name}_eligible, ${name}_errors, ${name}_cap_eligible, ${name}_cap_errors" \
    >/dev/null 2>&1 || true
}
trap cleanup EXIT

csv="$OUT/soak.csv"
echo "seconds,rss_mib,open_files,threads,lag_records,checkpoint_seconds,records_read" >"$csv"
start=$(date +%s)
prev_sum=0 prev_count=0
echo "soak: $MINUTES min at $RATE events/s, sluice pid $pid, metrics on 127.0.0.1:$port; samples in $csv"
while kill -0 "$producer" 2>/dev/null; do
  sleep 10
  kill -0 "$pid" 2>/dev/null || { echo "sluice exited during the soak (see $work/run.log)" >&2; exit 1; }
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  files=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  metrics=$(curl -s "http://127.0.0.1:$port/metrics" || true)
  lag=$(awk '/^sluice_source_consumer_lag_records\{/ {s += $2} END {printf "%d", s}' <<<"$metrics")
  read -r sum count < <(awk '/^sluice_checkpoint_duration_seconds_sum/ {s = $2} /^sluice_checkpoint_duration_seconds_count/ {c = $2} END {print s + 0, c + 0}' <<<"$metrics")
  read_total=$(awk '/^sluice_source_records_total\{/ {s += $2} END {printf "%d", s}' <<<"$metrics")
  # The mean checkpoint duration over the last 10 s.
  checkpoint=$(awk -v s="$sum" -v ps="$prev_sum" -v c="$count" -v pc="$prev_count" \
    'BEGIN {printf "%.4f", (c > pc) ? (s - ps) / (c - pc) : 0}')
  prev_sum=$sum prev_count=$count
  echo "$(($(date +%s) - start)),$rss,$files,$threads,$lag,$checkpoint,$read_total" >>"$csv"
done
wait "$producer" || true
sleep 5
kill -INT "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
tail -4 "$work/run.log"

# The verdict: trends over the second half (the first half warms caches and state up).
"$python" - "$csv" "$OUT/soak.png" "$RATE" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
t = [float(r["seconds"]) / 60 for r in rows]
series = {k: [float(r[k]) for r in rows] for k in rows[0] if k != "seconds"}
def slope(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
half = len(t) // 2
rss_slope = slope(t[half:], series["rss_mib"][half:]) * 60        # MiB per hour
lag_slope = slope(t[half:], series["lag_records"][half:]) * 60     # records per hour
rss = series["rss_mib"]
rate = float(sys.argv[3])
print(f"samples: {len(t)} over {t[-1]:.1f} min")
print(f"RSS: start {rss[0]:.1f} MiB, end {rss[-1]:.1f} MiB, max {max(rss):.1f} MiB; second-half trend {rss_slope:+.1f} MiB/hour")
print(f"lag: mean {sum(series['lag_records'])/len(t):.0f} records, max {max(series['lag_records']):.0f}; second-half trend {lag_slope:+.0f} records/hour")
print(f"open files {min(series['open_files']):.0f}..{max(series['open_files']):.0f}, threads {min(series['threads']):.0f}..{max(series['threads']):.0f}, checkpoint mean {sum(series['checkpoint_seconds'])/len(t)*1000:.0f} ms")
fig, axes = plt.subplots(4, 1, figsize=(9, 10), sharex=True)
for ax, key, label in zip(axes, ["rss_mib", "lag_records", "checkpoint_seconds", "open_files"],
                          ["RSS (MiB)", "consumer lag (records)", "checkpoint duration (s)", "open files"]):
    ax.plot(t, series[key])
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)
axes[-1].set_xlabel("minutes")
fig.suptitle(f"sluice soak: cashback exactly-once at {rate:.0f} events/s")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=90)
print(f"plot: {sys.argv[2]}")
# Rising: memory by more than 5% of its mean per hour, or lag by more than a minute of input.
mean_rss = sum(rss[half:]) / len(rss[half:])
failed = []
if rss_slope > 0.05 * mean_rss:
    failed.append("RSS keeps rising")
if lag_slope > 60 * rate:
    failed.append("lag keeps rising")
print("verdict: " + ("FAIL: " + ", ".join(failed) if failed else "steady"))
sys.exit(1 if failed else 0)
PY

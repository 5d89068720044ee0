#!/usr/bin/env bash
# Memory of windowed state: N Nexmark events (default 50 million) through a 10-second tumbling
# window grouped by about a million keys, with the resident set size (VmRSS) of the sluice
# process sampled every second. Each window's state should be freed once the watermark passes
# its end, so RSS should stay flat after the first window instead of growing with the input.
#
# The source is datagen's nexmark scenario with 'rows-per-second' = '1000000', which spaces
# event times 1 us apart: 10 million events per 10-second window, whose ~9.2 million bids have
# about a million distinct MOD(price, 1000000). The same option is also a wall-clock rate limit
# (a token bucket) and datagen has no option for the spacing alone; it only slows the run when
# sluice would go faster than a million events a second. 'start-time' is fixed on a window
# boundary, so N events fill N / 10 million whole windows.
#
# Verdict: "flat" if no sample in the last half of the run exceeds 1.25 x the RSS at the 30%
# mark, else "growing".
#
#   bench/state_memory.sh [--events N]     SLUICE_BIN overrides build/release/src/sluice
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<'EOF'
usage: bench/state_memory.sh [--events N]

Runs N Nexmark events (default 50,000,000) through a 10-second tumbling window of ~1,000,000 keys
(10,000,000 events per window) into a blackhole sink, samples the sluice process's VmRSS every
second, and says whether memory stayed flat.

  --events N   events to generate (default 50,000,000)

environment
  SLUICE_BIN   the sluice binary (default build/release/src/sluice)
EOF
}

events=50000000
while (($#)); do
  case $1 in
    --events) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; events=$2; shift 2 ;;
    --events=*) events=${1#--events=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
events=${events//,/}
events=${events//_/}
[[ $events =~ ^[1-9][0-9]*$ ]] || { echo "--events wants a positive integer, found '$events'" >&2; exit 2; }

SLUICE_BIN=${SLUICE_BIN:-$ROOT/build/release/src/sluice}
[[ -x $SLUICE_BIN ]] || { echo "no sluice binary at $SLUICE_BIN: scripts/build release (or set SLUICE_BIN)" >&2; exit 1; }

work=$(mktemp -d /tmp/sluice-state-memory.XXXXXX)
pid=
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

connector="'connector' = 'datagen', 'scenario' = 'nexmark', 'number-of-rows' = '$events', 'rows-per-second' = '1000000', 'start-time' = '2024-01-01 00:00:00', 'seed' = '1'"
{
  awk -v c="$connector" '{ gsub(/\$\{NEXMARK_CONNECTOR\}/, c); print }' "$ROOT/bench/nexmark/nexmark_source.sql"
  cat <<'EOF'

CREATE TABLE sink (window_start TIMESTAMP(3), k BIGINT, n BIGINT, total BIGINT)
WITH ('connector' = 'blackhole');

INSERT INTO sink
SELECT window_start, MOD(price, 1000000) AS k, count(*) AS n, sum(price) AS total
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, MOD(price, 1000000);
EOF
} >"$work/state_memory.sql"

windows=$(((events + 9999999) / 10000000))
echo "== $events nexmark events, 10 s tumbling window, MOD(price, 1000000) keys, blackhole sink"
echo "   $SLUICE_BIN; expect $windows window(s) x ~1,000,000 keys; sampling VmRSS every second"

start=$EPOCHREALTIME
"$SLUICE_BIN" run "$work/state_memory.sql" --set "state.checkpoints.dir=$work/state" >"$work/run.log" 2>&1 &
pid=$!
# One "seconds-since-start rss-kB hwm-kB" line per sample, while the process lives.
: >"$work/samples"
while kill -0 "$pid" 2>/dev/null; do
  if status=$(cat "/proc/$pid/status" 2>/dev/null); then
    rss=$(awk '/^VmRSS:/ { print $2 }' <<<"$status")
    hwm=$(awk '/^VmHWM:/ { print $2 }' <<<"$status")
    if [[ -n $rss ]]; then
      awk -v a="$start" -v b="$EPOCHREALTIME" -v r="$rss" -v h="${hwm:-0}" \
        'BEGIN { printf "%.1f %d %d\n", b - a, r, h }' >>"$work/samples"
    fi
  fi
  sleep 1
done
rc=0
wait "$pid" || rc=$?
end=$EPOCHREALTIME
pid=
if ((rc != 0)); then
  echo "sluice failed (exit $rc):" >&2
  cat "$work/run.log" >&2
  exit 1
fi

summary=$(grep -E '^[0-9]+ records in [0-9.]+ s \([0-9.]+ CPU-s of sluice: [0-9]+ records per CPU-second\)$' "$work/run.log" | tail -n 1) || true
rows_line=$(grep -E '^sink sink: [0-9]+ rows written' "$work/run.log" | tail -n 1) || true
source_line=$(grep -E '^source nexmark: ' "$work/run.log" | tail -n 1) || true
[[ -n $summary ]] || { echo "no summary line in the run's output:" >&2; cat "$work/run.log" >&2; exit 1; }
[[ -s $work/samples ]] || { echo "the run ended before the first RSS sample" >&2; cat "$work/run.log" >&2; exit 1; }

echo
awk -v total="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" '
  function mib(kb) { return sprintf("%.0f MiB", kb / 1024) }
  { t[NR] = $1; r[NR] = $2; if ($2 > peak) { peak = $2; peak_t = $1 } hwm = $3 }
  END {
    n = NR
    # The sample nearest to a fraction of the elapsed time (start to exit).
    printf "%-9s %9s %12s\n", "elapsed", "time s", "VmRSS"
    for (p = 10; p <= 100; p += 10) {
      want = total * p / 100; best = 1
      for (i = 1; i <= n; i++) if ((t[i] - want) ^ 2 < (t[best] - want) ^ 2) best = i
      printf "%8d%% %9.1f %12s\n", p, t[best], mib(r[best])
      if (p == 30) at30 = r[best]
    }
    printf "peak sampled VmRSS %s at %.1f s (kernel high-water mark VmHWM %s); %d samples in %.1f s\n",
      mib(peak), peak_t, mib(hwm), n, total
    # Flat: nothing in the last half above 1.25 x the 30% mark.
    limit = 1.25 * at30; worst = 0
    for (i = 1; i <= n; i++) if (t[i] >= total / 2 && r[i] > worst) { worst = r[i]; worst_t = t[i] }
    if (worst <= limit)
      printf "verdict: flat (last half at most %s <= 1.25 x %s at the 30%% mark)\n", mib(worst), mib(at30)
    else
      printf "verdict: growing (%s at %.1f s in the last half > 1.25 x %s at the 30%% mark = %s)\n",
        mib(worst), worst_t, mib(at30), mib(limit)
  }' "$work/samples"
echo "${rows_line:-sink sink: no rows line} (expected about $windows window(s) x ~1,000,000 keys)"
[[ -z $source_line ]] || echo "$source_line"
echo "$summary"

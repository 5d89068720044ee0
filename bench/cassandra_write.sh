#!/usr/bin/env bash
# Rows per second into Cassandra through the cassandra sink, against the Python driver writing
# the same rows with the same prepared INSERT (execute_concurrent_with_args, 64 in flight), on
# the stack's Cassandra (scripts/stack up cassandra). On 2 cores Cassandra itself is the limit:
# both figures are reported with the CPU seconds of each client and of the server.
#
#   sink    `sluice run` of a datagen source (cashback scenario, N rows) into a table keyed by
#           transaction_id, at-least-once and exactly-once (progress rows after each epoch)
#   driver  the rows the sink wrote, read back and inserted into an empty table of the same shape
#           by cassandra-driver from .deps/python
#
#   bench/cassandra_write.sh [rows=200000]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${1:-200000}
sluice=${SLUICE_BIN:-$ROOT/build/release/src/sluice}
python=$ROOT/.deps/python/bin/python
[[ -x $sluice ]] || { echo "build first: scripts/build release" >&2; exit 1; }
[[ -x $python ]] || { echo "set up first: scripts/setup" >&2; exit 1; }
"$ROOT/scripts/stack" up cassandra >/dev/null
# shellcheck disable=SC1091
source "$ROOT/.stack/env"
work=$(mktemp -d /tmp/sluice-cassandra-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cql() { python3 "$ROOT/scripts/cassandra/cql.py" --port "$SLUICE_CASSANDRA_PORT" --user sluice --password sluice "$@"; }
now() { date +%s.%N; }
server_pid=$(cat "$ROOT/.stack/run/cassandra.pid")
# CPU seconds (user + system) of a process so far, from /proc.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }

cql "CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}" >/dev/null
for guarantee in at-least-once exactly-once; do
  table="sink_${guarantee//-/_}"
  cql "DROP TABLE IF EXISTS bench.$table" >/dev/null
  cat >"$work/$table.sql" <<SQL
SET 'pipeline.name' = 'bench_$table';
CREATE TABLE payments (transaction_id STRING, customer_id STRING, \`timestamp\` TIMESTAMP,
  product_id STRING, amount INT, merchant_id STRING)
WITH ('connector' = 'datagen', 'scenario' = 'cashback', 'number-of-rows' = '$ROWS', 'seed' = '1');
CREATE TABLE $table (transaction_id STRING, customer_id STRING, \`timestamp\` TIMESTAMP,
  product_id STRING, amount INT, merchant_id STRING, PRIMARY KEY (transaction_id) NOT ENFORCED)
WITH ('connector' = 'cassandra', 'port' = '$SLUICE_CASSANDRA_PORT', 'keyspace' = 'bench',
      'username' = 'sluice', 'password' = 'sluice', 'consistency' = 'ONE',
      'sink.delivery-guarantee' = '$guarantee');
INSERT INTO $table SELECT * FROM payments;
SQL
  (cd "$work" && rm -rf .sluice)
  server_before=$(cpu_of "$server_pid")
  start=$(now)
  (cd "$work" && /usr/bin/time -f '%U %S %M' -o "$work/time.txt" "$sluice" run "$table.sql" >"$work/$table.log" 2>&1)
  seconds=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
  server=$(awk -v a="$(cpu_of "$server_pid")" -v b="$server_before" 'BEGIN { print a - b }')
  read -r user sys rss <"$work/time.txt"
  printf 'sink %-14s %d rows in %.2f s: %.0f rows/s; sluice %.2f CPU-s, peak RSS %d MiB; Cassandra %.2f CPU-s\n' \
    "$guarantee" "$ROWS" "$seconds" "$(awk -v r="$ROWS" -v s="$seconds" 'BEGIN { print r / s }')" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" $((rss / 1024)) "$server"
done

# The same rows, by the Python driver: read back, then written into an empty table.
cql "DROP TABLE IF EXISTS bench.driver" >/dev/null
cql "CREATE TABLE bench.driver (transaction_id text PRIMARY KEY, customer_id text, timestamp timestamp, product_id text, amount int, merchant_id text)" >/dev/null
cat >"$work/driver.py" <<'PY'
import os, resource, sys, time
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra import ConsistencyLevel
cluster = Cluster(['127.0.0.1'], port=int(sys.argv[1]), auth_provider=PlainTextAuthProvider('sluice', 'sluice'))
session = cluster.connect('bench')
rows = list(session.execute('SELECT transaction_id, customer_id, timestamp, product_id, amount, merchant_id FROM sink_at_least_once'))
insert = session.prepare('INSERT INTO driver (transaction_id, customer_id, timestamp, product_id, amount, merchant_id) VALUES (?, ?, ?, ?, ?, ?)')
insert.consistency_level = ConsistencyLevel.ONE
start_cpu, start = time.process_time(), time.time()
execute_concurrent_with_args(session, insert, rows, concurrency=64, raise_on_first_error=True)
seconds, cpu = time.time() - start, time.process_time() - start_cpu
print(f"{len(rows)} {seconds:.3f} {cpu:.3f}")
PY
server_before=$(cpu_of "$server_pid")
read -r n seconds cpu < <("$python" "$work/driver.py" "$SLUICE_CASSANDRA_PORT")
server=$(awk -v a="$(cpu_of "$server_pid")" -v b="$server_before" 'BEGIN { print a - b }')
printf 'driver execute_concurrent %d rows in %.2f s: %.0f rows/s; Python %.2f CPU-s; Cassandra %.2f CPU-s\n' \
  "$n" "$seconds" "$(awk -v r="$n" -v s="$seconds" 'BEGIN { print r / s }')" "$cpu" "$server"
cql "SELECT count(*) FROM bench.sink_exactly_once" "SELECT count(*) FROM bench.driver" 2>/dev/null | paste -sd' ' | \
  awk '{ print "rows stored: sink (exactly-once) " $1 ", driver " $2 }'

#!/usr/bin/env bash
# Rows per second into MariaDB through the mysql sink, against a bare LOAD DATA of the same rows
# from a file by the mariadb client, on the stack's MariaDB (scripts/stack).
#
#   sink   `sluice run` of a datagen source (cashback scenario, N rows) into a mysql table,
#          at-least-once (a transaction every 'sink.buffer-flush.max-rows' rows) and exactly-once
#          (one transaction per checkpoint, with its progress rows): wall time and rows/s
#   bare   the same rows dumped to a tab-separated file, then `LOAD DATA LOCAL INFILE` of that
#          file into an empty table of the same shape by the mariadb client: wall time and rows/s
#
#   insert the same file by multi-row prepared INSERTs (bench/tools/mysql_insert_probe: 500 rows
#          a statement, a transaction every 5000 rows, as the at-least-once sink commits): the
#          alternative to LOAD DATA the sink could have used
#
#   bench/mysql_load.sh [rows=1000000]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${1:-1000000}
sluice=${SLUICE_BIN:-$ROOT/build/release/src/sluice}
[[ -x $sluice ]] || { echo "build first: scripts/build release" >&2; exit 1; }
"$ROOT/scripts/stack" up mariadb >/dev/null
# shellcheck disable=SC1091
source "$ROOT/.stack/env"
work=$(mktemp -d /tmp/sluice-mysql-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
db() { mariadb -h "$SLUICE_MYSQL_HOST" -P "$SLUICE_MYSQL_PORT" -u "$SLUICE_MYSQL_USER" \
  -p"$SLUICE_MYSQL_PASSWORD" --local-infile=1 "$SLUICE_MYSQL_DATABASE" "$@"; }
now() { date +%s.%N; }
url="mysql://$SLUICE_MYSQL_USER:$SLUICE_MYSQL_PASSWORD@$SLUICE_MYSQL_HOST:$SLUICE_MYSQL_PORT/$SLUICE_MYSQL_DATABASE"

for guarantee in at-least-once exactly-once; do
  table="bench_${guarantee//-/_}"
  db -e "DROP TABLE IF EXISTS $table"
  cat >"$work/$table.sql" <<SQL
SET 'pipeline.name' = '$table';
CREATE TABLE payments (transaction_id STRING, customer_id STRING, \`timestamp\` TIMESTAMP,
  product_id STRING, amount INT, merchant_id STRING)
WITH ('connector' = 'datagen', 'scenario' = 'cashback', 'number-of-rows' = '$ROWS', 'seed' = '1');
CREATE TABLE $table (transaction_id STRING, customer_id STRING, \`timestamp\` TIMESTAMP,
  product_id STRING, amount INT, merchant_id STRING)
WITH ('connector' = 'mysql', 'url' = '$url', 'sink.delivery-guarantee' = '$guarantee');
INSERT INTO $table SELECT * FROM payments;
SQL
  (cd "$work" && rm -rf .sluice)
  start=$(now)
  (cd "$work" && "$sluice" run "$table.sql" >"$work/$table.log" 2>&1)
  seconds=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
  printf 'sink %-14s %d rows in %.2f s: %.0f rows/s\n' "$guarantee" "$ROWS" "$seconds" \
    "$(awk -v r="$ROWS" -v s="$seconds" 'BEGIN { print r / s }')"
done

# The same rows, from a file, by the client.
db --batch --skip-column-names -e "SELECT * FROM bench_at_least_once" >"$work/rows.tsv"
db -e "DROP TABLE IF EXISTS bench_bare; CREATE TABLE bench_bare LIKE bench_at_least_once"
start=$(now)
db -e "LOAD DATA LOCAL INFILE '$work/rows.tsv' INTO TABLE bench_bare"
seconds=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
printf 'bare LOAD DATA      %d rows in %.2f s: %.0f rows/s\n' "$ROWS" "$seconds" \
  "$(awk -v r="$ROWS" -v s="$seconds" 'BEGIN { print r / s }')"
probe=${SLUICE_INSERT_PROBE:-$ROOT/build/release/bench/mysql_insert_probe}
if [[ -x $probe ]]; then
  db -e "DROP TABLE IF EXISTS bench_insert; CREATE TABLE bench_insert LIKE bench_at_least_once"
  printf 'prepared INSERT     '
  "$probe" "$SLUICE_MYSQL_HOST" "$SLUICE_MYSQL_PORT" "$SLUICE_MYSQL_USER" "$SLUICE_MYSQL_PASSWORD" \
    "$SLUICE_MYSQL_DATABASE" bench_insert "$work/rows.tsv"
  db -e "DROP TABLE IF EXISTS bench_insert"
else
  echo "prepared INSERT     skipped: build bench/mysql_insert_probe first" >&2
fi
db -e "DROP TABLE IF EXISTS bench_at_least_once, bench_exactly_once, bench_bare; DELETE FROM sluice_progress WHERE pipeline LIKE 'bench_%'"

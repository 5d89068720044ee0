#!/usr/bin/env bash
# Parquet write throughput of sluice's writer against pyarrow's, one core each, on the same rows
# with the same compression: rows per CPU-second and output MB per CPU-second.
#
#   sluice   bench/tools/parquet_write_probe builds N cashback-like rows in memory, then times
#            writing them as one Parquet file into memory (the process's CPU time)
#   pyarrow  reads that file into an Arrow table, then times pq.write_table of the table into
#            memory with the same codec (zstd at level 3 for both), dictionaries on, one CPU
#            thread
#
#   bench/parquet_write.sh [rows=1000000] [codec=snappy|zstd|uncompressed] [runs=3]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${1:-1000000}
CODEC=${2:-snappy}
RUNS=${3:-3}
probe=${SLUICE_PARQUET_PROBE:-$ROOT/build/release/bench/parquet_write_probe}
python=$ROOT/.deps/python/bin/python
[[ -x $probe ]] || { echo "build first: scripts/build release" >&2; exit 1; }
[[ -x $python ]] || { echo "set up first: scripts/setup (installs pyarrow into .deps/python)" >&2; exit 1; }
work=$(mktemp -d /tmp/sluice-parquet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

for ((run = 1; run <= RUNS; run++)); do
  "$probe" "$ROWS" "$CODEC" "$work/rows.parquet"
  "$python" - "$work/rows.parquet" "$CODEC" <<'PY'
import sys, time
import pyarrow as pa, pyarrow.parquet as pq
pa.set_cpu_count(1)
pa.set_io_thread_count(1)
table = pq.read_table(sys.argv[1])
codec = None if sys.argv[2] == "uncompressed" else sys.argv[2]
sink = pa.BufferOutputStream()
start = time.process_time()
# zstd at sluice's level (3, Spark's default; pyarrow's own default is 1).
level = 3 if codec == "zstd" else None
pq.write_table(table, sink, compression=codec, compression_level=level, use_dictionary=True)
seconds = time.process_time() - start
size = sink.getvalue().size
print(f"pyarrow  {table.num_rows} rows, {size} bytes, {seconds:.3f} CPU-s: "
      f"{table.num_rows / seconds:.0f} rows/s, {size / seconds / 1e6:.1f} MB/s")
PY
done

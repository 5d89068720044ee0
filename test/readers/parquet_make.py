"""Writes Parquet files the way other tools write them, for sluice's Parquet reader to read:
the same generated rows through pyarrow (dictionary and plain pages, data page v1 and v2,
Snappy, ZSTD, GZIP, uncompressed, INT96 timestamps, decimals as FIXED_LEN_BYTE_ARRAY and as
integers, narrow and unsigned integers, millisecond and nanosecond timestamps, many row
groups) and through DuckDB, an empty file, and a Hive partition folder.

    parquet_make.py OUT_DIR ROWS

Writes OUT_DIR/<variant>.parquet and OUT_DIR/expected.jsonl: the generated rows as JSON lines
in the reading table's terms (timestamps 'YYYY-MM-DD HH:MM:SS.ffffff' UTC, dates ISO, decimals
as numbers), computed here from the generated values, not read back from any file.
"""
import datetime
import decimal
import json
import os
import random
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

out_dir, count = sys.argv[1], int(sys.argv[2])
os.makedirs(out_dir, exist_ok=True)
rng = random.Random(42)
WORDS = ["alpha", "beta", "Gamma", "δέλτα", "é", "", "x" * 40]
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def maybe(value, p=0.15):
    return None if rng.random() < p else value


rows = []
for r in range(count):
    ts = EPOCH + datetime.timedelta(microseconds=rng.randrange(-2 * 10**15, 4 * 10**15))
    ts_ms = ts.replace(microsecond=ts.microsecond // 1000 * 1000)
    tags = maybe([maybe(rng.choice(WORDS), 0.2) for _ in range(rng.randrange(0, 4))])
    rows.append({
        "id": r,
        "flag": maybe(rng.random() < 0.5),
        "tiny": maybe(rng.randrange(-128, 128)),
        "small": maybe(rng.randrange(-32768, 32768)),
        "u16": maybe(rng.randrange(0, 65536)),
        "u32": maybe(rng.randrange(0, 2**32)),
        "num": maybe(rng.randrange(-2**31, 2**31)),
        "big": maybe(rng.randrange(-2**63, 2**63)),
        "half": maybe(rng.randrange(-1000, 1000) / 4),  # exact in float32
        "real": maybe(rng.uniform(-1e6, 1e6)),
        "price": maybe(decimal.Decimal(rng.randrange(-10**9, 10**9)).scaleb(-2)),
        "word": maybe(rng.choice(WORDS) if rng.random() < 0.7 else f"unique-{r}"),
        "day": maybe(datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(0, 80000))),
        "at": maybe(ts),
        "at_ms": maybe(ts_ms),
        "person": maybe({"name": maybe(rng.choice(WORDS)), "age": maybe(rng.randrange(0, 120))}),
        "scores": maybe([maybe(rng.randrange(-10**12, 10**12), 0.1) for _ in range(rng.randrange(0, 5))]),
        "visits": maybe([maybe({"on": maybe(datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365))),
                               "tags": tags}, 0.1)
                         for _ in range(rng.randrange(0, 3))]),
        # A MAP of distinct keys, values now and then null.
        "counts": maybe([(f"{rng.choice(WORDS)}-{k}", maybe(rng.randrange(-10**9, 10**9), 0.2))
                         for k in range(rng.randrange(0, 4))]),
    })

visit = pa.struct([("on", pa.date32()), ("tags", pa.list_(pa.string()))])
schema = pa.schema([
    ("id", pa.int64()), ("flag", pa.bool_()), ("tiny", pa.int8()), ("small", pa.int16()),
    ("u16", pa.uint16()), ("u32", pa.uint32()), ("num", pa.int32()), ("big", pa.int64()),
    ("half", pa.float32()), ("real", pa.float64()), ("price", pa.decimal128(12, 2)),
    ("word", pa.string()), ("day", pa.date32()), ("at", pa.timestamp("us", tz="UTC")),
    ("at_ms", pa.timestamp("ms", tz="UTC")),
    ("person", pa.struct([("name", pa.string()), ("age", pa.int32())])),
    ("scores", pa.list_(pa.int64())), ("visits", pa.list_(visit)),
    ("counts", pa.map_(pa.string(), pa.int64())),
])
table = pa.Table.from_pylist(rows, schema=schema)

pq.write_table(table, f"{out_dir}/snappy_dictionary_v1.parquet", compression="snappy",
               row_group_size=max(1, count // 7), data_page_size=4096)
pq.write_table(table, f"{out_dir}/zstd_plain_v2.parquet", compression="zstd",
               use_dictionary=False, data_page_version="2.0")
pq.write_table(table, f"{out_dir}/gzip_int96.parquet", compression="gzip",
               use_deprecated_int96_timestamps=True, row_group_size=max(1, count // 3))
pq.write_table(table, f"{out_dir}/uncompressed_integer_decimals.parquet", compression="none",
               store_decimal_as_integer=True)
# Nanosecond timestamps, what pandas writes (the generated times, 1906..2096, all fit).
at = schema.get_field_index("at")
pq.write_table(table.set_column(at, "at", table.column("at").cast(pa.timestamp("ns", tz="UTC"))),
               f"{out_dir}/nanos.parquet")
con = duckdb.connect()
con.register("t", table)
con.execute(f"COPY (SELECT * FROM t) TO '{out_dir}/duckdb.parquet' (FORMAT parquet)")
pq.write_table(table.slice(0, 0), f"{out_dir}/empty.parquet")


def text(value, key):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)  # at most 12 digits: repr gives back the same digits
    if key == "counts":  # a MAP, as [(key, value), ...]: a JSON object
        return {k: text(v, k) for k, v in value}
    if isinstance(value, dict):
        return {k: text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [text(v, key) for v in value]
    return value


def write_expected(name, data):
    with open(f"{out_dir}/{name}", "w") as f:
        for row in data:
            f.write(json.dumps({k: text(v, k) for k, v in row.items()}, ensure_ascii=False) + "\n")


write_expected("expected.jsonl", rows)

# A Hive partition folder: the 'region' column lives in the folder names, not in the files.
for region in ["north", "south/east"]:
    folder = f"{out_dir}/partitioned/region={region.replace('/', '%2F')}"
    os.makedirs(folder, exist_ok=True)
    pq.write_table(table.slice(0, 10), f"{folder}/part-0.parquet")
os.makedirs(f"{out_dir}/partitioned/region=__HIVE_DEFAULT_PARTITION__", exist_ok=True)
pq.write_table(table.slice(0, 10), f"{out_dir}/partitioned/region=__HIVE_DEFAULT_PARTITION__/part-0.parquet")
os.makedirs(f"{out_dir}/partitioned/_sluice_log", exist_ok=True)  # hidden: never read
with open(f"{out_dir}/partitioned/_sluice_log/0.json", "w") as f:
    f.write("not parquet")

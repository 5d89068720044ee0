#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into test/fuzz/corpus/<target>/seed-*.

Seeds are small valid (and a few nearly valid) inputs, made here from the formats' own rules:
pyarrow writes the Parquet seeds, the function reference's examples are the SQL seeds.
Reproducers of crashes found by scripts/fuzz go beside them as crash-<hash> and are kept.
Run with the project's Python (it has pyarrow): .deps/python/bin/python test/fuzz/make_seeds.py
"""
import io
import json
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "test" / "fuzz" / "corpus"


def write(target, seeds):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for i, seed in enumerate(seeds):
        data = seed.encode() if isinstance(seed, str) else seed
        (folder / f"seed-{i:03d}").write_bytes(data)


def json_decoder():
    cashback = {"transaction_id": "t1", "customer_id": "c1", "timestamp": "2024-03-01 12:30:45",
                "amount": 700, "merchant_id": "merch_1"}
    flat = {"i": 7, "l": -9007199254740993, "d": 1.5e300, "m": 12.34, "big": 999999999999999999,
            "s": "é\u00e9\\\"", "b": True, "day": "2024-02-29", "ts": "2024-03-01T12:30:45.123456Z",
            "raw": "aGVsbG8="}
    nested = {"a": [1, None, 3], "r": {"x": 2.5, "tags": ["a", "b"], "inner": {"d": "1970-01-01"}},
              "rows": [{"k": "x", "v": 1.234}, None], "m": {"k1": 1, "k2": None},
              "nested": [[1, 2], [], None]}
    return [b"\x00" + json.dumps(cashback).encode(), b"\x00" + b'{"customer_id": 5, "timestamp": 1700000000}',
            b"\x01" + json.dumps(flat).encode(), b"\x01" + b'{"i": "12", "m": "1e3", "ts": "bad"}',
            b"\x02" + json.dumps(nested).encode(), b"\x02" + b'{"a": [1, 2', b"\x02[]"]


def type_parser():
    return ["INT", "DECIMAL(10, 2)", "ARRAY<MAP<STRING, DECIMAL(18, 4)>>", "TIMESTAMP(3)",
            "ROW<a INT NOT NULL, `b c` STRING>", "STRUCT<a: ARRAY<ROW(x DOUBLE)>, b: DATE>",
            "VARCHAR(12)", "a INT, b STRING", "MAP<INT, ARRAY<BYTES>>", "BIGINT NOT NULL"]


def sql_compile():
    seeds = []
    for line in (ROOT / "docs" / "functions.md").read_text().splitlines():
        cells = [c.strip() for c in line.split(" | ")]
        if len(cells) < 5 or not cells[3].startswith("`"):
            continue
        example = cells[3].strip("`")
        if not re.match(r"\s*SELECT\b", example, re.I):
            example = f"SELECT {example} FROM docs_input WHERE x = 1"
        seeds.append(example + ";\n")
    seeds.append("""CREATE TABLE payments (id BIGINT, customer STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE totals (customer STRING, window_start TIMESTAMP, total DECIMAL(20, 2))
  WITH ('connector' = 'print');
INSERT INTO totals SELECT customer, window_start, SUM(amount)
FROM TABLE(TUMBLE(TABLE payments, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY customer, window_start, window_end;
""")
    seeds.append("""SET 'spark.sql.ansi.enabled' = 'true';
CREATE TABLE out (x INT, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT x, COUNT(*) OVER (PARTITION BY s ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
FROM docs_input;
""")
    return seeds


def value_text():
    return ["1\n-2147483648\n2147483648\n 42 \n1e3\nabc", "12.345\n-0.005\n99999999.995\n1E-7",
            "2024-02-29\n2024-02-30\n0001-01-01\n+10000-01-01", "2024-03-01 12:30:45.123456\n2024-03-01T12:30:45Z\n"
            "2024-03-01 12:30:45+05:30\n1700000000", "true\nFALSE\nyes\n0\nt", "NaN\n-Infinity\n1.7976931348623157E308\n4.9E-324"]


def csv_encoder():
    return [b"\x00plain\x00with,comma\x00with \"quote\"", b"\x05\x00\x00", b"\x02line\nbreak\x00cr\rhere\x00",
            b"\x03tab\there\x00pipe|here\x00"]


def spill_manifest():
    def segment(sequence, rows, size, progress):
        return {"sequence": sequence, "file": f"{sequence:010}.spill", "rows": rows, "bytes": size,
                "progress": progress}
    good = {"segments": [segment(1, 1, 1, {}), segment(2, 3, 2, {"payments": {"0": 10, "1": 7}}),
                         segment(3, 2, 3, {"payments": {"0": 12}})]}
    missing_front = {"segments": [segment(1, 1, 1, {}), segment(4, 1, 4, {})]}
    damaged = {"segments": [segment(2, 1, 5, {})]}
    return [json.dumps(good), json.dumps(missing_front), json.dumps(damaged), '{"segments": []}',
            '{"segments": [{"sequence": 1, "file": "../0000000001.spill", "rows": 1, "bytes": 1, "progress": {}}]}',
            "not json"]


def state_snapshot():
    def body(checkpoint, positions, operators):
        out = struct.pack("<qI", checkpoint, len(positions))
        for origin, partitions in positions.items():
            out += struct.pack("<Q", len(origin)) + origin.encode() + struct.pack("<I", len(partitions))
            for partition, offset in partitions.items():
                out += struct.pack("<iq", partition, offset)
        out += struct.pack("<I", len(operators))
        for op_id, state in operators:
            out += struct.pack("<Q", len(op_id)) + op_id.encode() + struct.pack("<Q", len(state)) + state
        return out
    return [body(3, {"payments": {0: 10, 1: 20}}, [("totals/aggregate", b"\x01\x02\x03")]),
            body(0, {}, []), body(7, {"a": {0: 1}, "b": {}}, [("x/rank", b""), ("y/join", b"\xff" * 16)]),
            b"SLUICE-STATE-2\n"]


def cql_frames():
    def short(n): return struct.pack(">H", n)
    def i32(n): return struct.pack(">i", n)
    def string(s): return short(len(s)) + s.encode()
    def value(b): return i32(-1) if b is None else i32(len(b)) + b
    varchar, int_, bigint, list_, map_ = 0x000D, 0x0009, 0x0002, 0x0020, 0x0021
    columns = string("id") + short(varchar) + string("n") + short(int_) + string("l") + short(list_) + short(bigint)
    rows_v4 = (i32(2) + i32(0x0001) + i32(3) + string("ks") + string("t") + columns + i32(2) +
               value(b"a") + value(i32(5)) + value(i32(1) + i32(8) + struct.pack(">q", 9)) +
               value(None) + value(None) + value(b""))
    rows_map = (i32(2) + i32(0x0001) + i32(1) + string("ks") + string("t") + string("m") + short(map_) +
                short(varchar) + short(int_) + i32(1) + value(i32(1) + i32(1) + b"k" + i32(4) + i32(7)))
    prepared_v4 = (i32(4) + short(4) + b"\x01\x02\x03\x04" + i32(0x0001) + i32(2) + i32(1) + short(0) +
                   string("ks") + string("t") + string("id") + short(varchar) + string("n") + short(int_) +
                   i32(0x0004) + i32(0))
    prepared_v5 = (i32(4) + short(2) + b"\x0a\x0b" + short(2) + b"\x0c\x0d" + i32(0x0001) + i32(1) + i32(1) +
                   short(0) + string("ks") + string("t") + string("id") + short(varchar) + i32(0x0004) + i32(0))
    error = i32(0x2200) + string("Invalid query")
    write_timeout = i32(0x1100) + string("timed out") + short(6) + i32(0) + i32(1) + string("SIMPLE")
    roundtrip = b"\x00\x00\x05hello\x00\x00\x00\x02\x00\x00"
    framed = b"\x00\x0d\x01" + b"\x85\x00\x00\x01\x08\x00\x00\x00\x04" + i32(1)
    return [b"\x00" + rows_v4, b"\x80" + rows_v4, b"\x00" + rows_map, b"\x01" + prepared_v4, b"\x81" + prepared_v5,
            b"\x02" + error, b"\x82" + write_timeout, b"\x03" + b"\x00" * 10, b"\x84" + framed, b"\x05" + roundtrip]


def parquet():
    import pyarrow as pa
    import pyarrow.parquet as pq
    from decimal import Decimal
    import datetime
    seeds = []
    def to_bytes(table, **kw):
        sink = io.BytesIO()
        pq.write_table(table, sink, **kw)
        return sink.getvalue()
    flat = pa.table({"customer_id": ["c1", None, "c3"], "amount": pa.array([1, 2, None], pa.int32()),
                     "cashback": pa.array([Decimal("1.50"), None, Decimal("-2.25")], pa.decimal128(10, 2)),
                     "ts": pa.array([datetime.datetime(2024, 3, 1, 12, 30), None, datetime.datetime(1970, 1, 1)],
                                    pa.timestamp("us")),
                     "day": pa.array([datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1)]),
                     "ok": [True, None, False]})
    seeds.append(b"\x00" + to_bytes(flat, compression="snappy"))
    seeds.append(b"\x00" + to_bytes(flat, compression="none", use_dictionary=False, data_page_version="2.0"))
    wide = pa.table({"l": pa.array([1, None, 2**40], pa.int64()), "d": [0.5, None, float("nan")],
                     "m": pa.array([Decimal("1.0000"), None, Decimal("99999999999999.9999")], pa.decimal128(18, 4)),
                     "raw": [b"\x00\x01", None, b""], "s": ["x", "y", None]})
    seeds.append(b"\x01" + to_bytes(wide, compression="zstd", row_group_size=2))
    nested = pa.table({"tags": [["a", None], None, []],
                       "r": [{"x": 1.0, "inner": {"d": datetime.date(2024, 1, 1), "n": [1, 2]}}, None,
                             {"x": None, "inner": None}],
                       "rows": [[{"k": "a", "v": Decimal("1.234")}], None, [None]]},
                      schema=pa.schema([("tags", pa.list_(pa.string())),
                                        ("r", pa.struct([("x", pa.float64()), ("inner", pa.struct([("d", pa.date32()), ("n", pa.list_(pa.int64()))]))])),
                                        ("rows", pa.list_(pa.struct([("k", pa.string()), ("v", pa.decimal128(5, 3))])))]))
    seeds.append(b"\x02" + to_bytes(nested))
    return seeds


def parquet_roundtrip():
    rows = [{"s": "a", "i": 1, "l": 2, "d": 0.5, "m": 1.25, "w": -12345678901234567890123456789012, "b": True, "day": "2024-02-29", "ts": "2024-03-01 12:30:45.5",
             "tags": ["x", None], "r": {"x": 1.5, "n": [1, None, 3]}, "rows": [{"k": "a", "v": 1}, None]},
            {"s": None, "tags": [], "r": None, "rows": []}, {}]
    lines = "\n".join(json.dumps(r) for r in rows)
    return [b"\x00" + lines.encode(), b"\x1f" + lines.encode(), b"\x0b" + (lines + "\n") .encode() * 5]


write("json_decoder", json_decoder())
write("type_parser", type_parser())
write("sql_compile", sql_compile())
write("value_text", value_text())
write("csv_encoder", csv_encoder())
write("spill_manifest", spill_manifest())
write("state_snapshot", state_snapshot())
write("cql_frames", cql_frames())
write("parquet_reader", parquet())
write("parquet_roundtrip", parquet_roundtrip())
for folder in sorted(CORPUS.iterdir()):
    print(f"{folder.name}: {len(list(folder.iterdir()))} files")

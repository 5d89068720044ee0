"""Reads a Parquet file with pyarrow and with DuckDB and compares every row with the JSON lines
it was written from, interpreted here by the schema (not by sluice): the independent check of
sluice's Parquet writer.

    parquet_check.py SPEC.json ROWS.jsonl FILE.parquet
    parquet_check.py SPEC.json ROWS.jsonl FOLDER     every visible *.parquet in it, rows in any order

SPEC.json: {"columns": [{"name": n, "type": t}, ...], "arrow_types": {n: "<pyarrow type text>"},
            "min_row_groups": k}
with t one of boolean, int, bigint, double, "decimal(p,s)", string, bytes, date, timestamp,
{"row": [{"name": .., "type": ..}, ...]}, {"array": t} or {"map": [key type, value type]}.
Prints one JSON object: {"ok": bool, "rows": n, "row_groups": k, "problems": [...]}.
"""
import datetime
import decimal
import glob
import base64
import json
import os
import sys

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

decimal.getcontext().prec = 60  # DECIMAL(38) values, exactly

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def expected_value(value, t):
    """A JSON value as the column type holds it; timestamps as microseconds since the epoch."""
    if value is None:
        return None
    if isinstance(t, dict) and "row" in t:
        return {f["name"]: expected_value(value.get(f["name"]), f["type"]) for f in t["row"]}
    if isinstance(t, dict) and "array" in t:
        return [expected_value(v, t["array"]) for v in value]
    if isinstance(t, dict) and "map" in t:  # a JSON object: its members in order
        key_type, value_type = t["map"]
        return [(expected_value(k, key_type), expected_value(v, value_type)) for k, v in value.items()]
    if t in ("int", "bigint", "boolean", "string"):
        return value
    if t == "double":
        return float(value)
    if t == "bytes":
        return base64.b64decode(value, validate=True)  # JSON carries BYTES as base64
    if t.startswith("decimal("):
        scale = int(t[len("decimal("):-1].split(",")[1])
        return decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-scale))
    if t == "date":
        return datetime.date.fromisoformat(value)
    if t == "timestamp":
        text = value.replace(" ", "T")
        moment = datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)
        delta = moment - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    raise ValueError(f"unknown type {t}")


def normalize(value, t):
    """A value as a reader returned it, in expected_value's form."""
    if value is None:
        return None
    if isinstance(t, dict) and "row" in t:
        return {f["name"]: normalize(value[f["name"]], f["type"]) for f in t["row"]}
    if isinstance(t, dict) and "array" in t:
        return [normalize(v, t["array"]) for v in value]
    if isinstance(t, dict) and "map" in t:
        # pyarrow gives [(key, value), ...]; DuckDB a dict, or {"key": [...], "value": [...]}.
        if isinstance(value, dict) and set(value) == {"key", "value"} and isinstance(value["key"], list):
            pairs = list(zip(value["key"], value["value"]))
        elif isinstance(value, dict):
            pairs = list(value.items())
        else:
            pairs = [tuple(p) for p in value]
        key_type, value_type = t["map"]
        return [(normalize(k, key_type), normalize(v, value_type)) for k, v in pairs]
    if t == "timestamp":
        if isinstance(value, datetime.datetime):
            delta = value - EPOCH
            return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        return int(value)
    if t == "bytes" and isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def main():
    spec = json.load(open(sys.argv[1]))
    columns = spec["columns"]
    expected = []
    with open(sys.argv[2]) as f:
        for line in f:
            doc = json.loads(line, parse_float=decimal.Decimal)  # 38-digit decimals stay exact
            expected.append(tuple(expected_value(doc.get(c["name"]), c["type"]) for c in columns))
    problems = []

    path = sys.argv[3]
    folder = os.path.isdir(path)
    # Files a reader lists: hidden (in-progress) ones are not part of the table.
    files = sorted(glob.glob(os.path.join(path, "*.parquet"))) if folder else [path]
    if folder and not files:
        problems.append(f"no Parquet file in {path}")
    row_groups = sum(pq.ParquetFile(f).metadata.num_row_groups for f in files)
    if row_groups < spec.get("min_row_groups", 0):
        problems.append(f"{row_groups} row groups, expected at least {spec['min_row_groups']}")
    # Statistics of each flat column's chunk equal what its values say (DuckDB skips row groups
    # by them, so a wrong min or max silently loses rows from filtered queries).
    flat = [c for c in columns if isinstance(c["type"], str) and c["type"] != "double"]
    for f in files:
        parquet_file = pq.ParquetFile(f)
        names = parquet_file.schema_arrow.names
        for g in range(parquet_file.metadata.num_row_groups):
            group = parquet_file.read_row_group(g)
            for c in flat:
                chunk = parquet_file.metadata.row_group(g).column(names.index(c["name"]))
                stats = chunk.statistics
                values = group.column(c["name"])
                where = f"{os.path.basename(f)} row group {g} column {c['name']}"
                if stats is None:
                    problems.append(f"{where}: no statistics")
                    continue
                if stats.null_count != values.null_count:
                    problems.append(f"{where}: null_count {stats.null_count}, values have {values.null_count}")
                if stats.has_min_max:
                    low, high = pc.min_max(values).values()
                    if (stats.min, stats.max) != (low.as_py(), high.as_py()):
                        problems.append(f"{where}: min/max {stats.min!r}/{stats.max!r}, values "
                                        f"have {low.as_py()!r}/{high.as_py()!r}")
    table = pa.concat_tables([pq.read_table(f) for f in files]) if files else None
    if table is None:
        print(json.dumps({"ok": False, "rows": len(expected), "files": 0, "problems": problems}))
        return
    for c in columns:
        want = spec["arrow_types"].get(c["name"])
        got = str(table.schema.field(c["name"]).type)
        if want and got != want:
            problems.append(f"column {c['name']}: pyarrow type {got}, expected {want}")
    # Timestamps as epoch microseconds, the same in both readers.
    arrays = []
    for c in columns:
        column = table.column(c["name"])
        if c["type"] == "timestamp":
            column = column.cast(pa.int64())
        arrays.append(column.to_pylist())
    by_pyarrow = [tuple(normalize(arrays[i][r], c["type"]) for i, c in enumerate(columns))
                  for r in range(table.num_rows)]

    con = duckdb.connect()
    select = ", ".join(
        f'epoch_us("{c["name"]}")' if c["type"] == "timestamp" else f'"{c["name"]}"' for c in columns)
    rows = con.execute(f"SELECT {select} FROM read_parquet(?)", [files]).fetchall()
    by_duckdb = [tuple(normalize(v, c["type"]) for v, c in zip(row, columns)) for row in rows]

    if folder:  # files in any order
        expected.sort(key=repr)
        by_pyarrow.sort(key=repr)
        by_duckdb.sort(key=repr)
    for reader, got in (("pyarrow", by_pyarrow), ("duckdb", by_duckdb)):
        if len(got) != len(expected):
            problems.append(f"{reader}: {len(got)} rows, expected {len(expected)}")
            continue
        for r, (g, e) in enumerate(zip(got, expected)):
            if g != e:
                problems.append(f"{reader}: row {r} is {g!r}, expected {e!r}")
                break
    print(json.dumps({"ok": not problems, "rows": len(expected), "files": len(files),
                      "row_groups": row_groups, "problems": problems}, default=str))


if __name__ == "__main__":
    main()

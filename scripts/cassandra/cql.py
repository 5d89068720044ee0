#!/usr/bin/env python3
"""A tiny CQL client speaking Cassandra's native protocol v4, Python standard library only.

scripts/stack uses it to check that the local Cassandra answers and to create the `sluice` role;
it is also handy by hand (there is no cqlsh here):

  python3 scripts/cassandra/cql.py [options] "CQL" ["CQL" ...]
  python3 scripts/cassandra/cql.py [options] < statements.cql   (split at ';' outside quotes)
  python3 scripts/cassandra/cql.py --ping                        (OPTIONS -> SUPPORTED only)

options
  --host H            default $SLUICE_CASSANDRA_HOST or 127.0.0.1
  --port N            default $SLUICE_CASSANDRA_PORT or 9042
  --user U            default $SLUICE_CASSANDRA_USER (none: no login)
  --password P        default $SLUICE_CASSANDRA_PASSWORD
  --keyspace K        USE K before the statements
  --consistency C     ONE (default), QUORUM, LOCAL_QUORUM, ALL, LOCAL_ONE, ANY, ...
  --timeout S         seconds for connecting and for each answer (default 10)
  --page-size N       rows per page the server sends (default 5000; all pages are read)
  --header            print the column names before the rows
  --ping              only check that a CQL server answers (protocol handshake, no login)

Rows are printed one a line, values separated by a tab, NULL as an empty field. Exit codes:
0 done, 1 the server answered with an error (printed to stderr), 2 bad usage, 3 no connection,
time-out or a protocol failure.
"""

import argparse
import datetime
import decimal
import ipaddress
import os
import socket
import struct
import sys
import uuid

VERSION = 0x04  # native protocol v4: Cassandra 3.0 to 5.0, no v5 framing after STARTUP

OP_ERROR, OP_STARTUP, OP_READY, OP_AUTHENTICATE = 0x00, 0x01, 0x02, 0x03
OP_OPTIONS, OP_SUPPORTED, OP_QUERY, OP_RESULT = 0x05, 0x06, 0x07, 0x08
OP_AUTH_CHALLENGE, OP_AUTH_RESPONSE, OP_AUTH_SUCCESS = 0x0E, 0x0F, 0x10

CONSISTENCY = {
    "ANY": 0x0000, "ONE": 0x0001, "TWO": 0x0002, "THREE": 0x0003, "QUORUM": 0x0004,
    "ALL": 0x0005, "LOCAL_QUORUM": 0x0006, "EACH_QUORUM": 0x0007, "SERIAL": 0x0008,
    "LOCAL_SERIAL": 0x0009, "LOCAL_ONE": 0x000A,
}

ERROR_NAMES = {
    0x0000: "Server error", 0x000A: "Protocol error", 0x0100: "Bad credentials",
    0x1000: "Unavailable", 0x1001: "Overloaded", 0x1002: "Is bootstrapping",
    0x1003: "Truncate error", 0x1100: "Write timeout", 0x1200: "Read timeout",
    0x1300: "Read failure", 0x1400: "Function failure", 0x1500: "Write failure",
    0x2000: "Syntax error", 0x2100: "Unauthorized", 0x2200: "Invalid",
    0x2300: "Config error", 0x2400: "Already exists", 0x2500: "Unprepared",
}


class ServerError(Exception):
    """The server answered with an ERROR frame."""

    def __init__(self, code, message):
        super().__init__(f"{ERROR_NAMES.get(code, 'Error')} (0x{code:04x}): {message}")
        self.code = code


class ProtocolFailure(Exception):
    """No connection, a time-out, or an answer this client does not understand."""


# --- reading protocol values -------------------------------------------------------------------
class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolFailure("truncated frame body")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def byte(self):
        return self.take(1)[0]

    def short(self):
        return struct.unpack(">H", self.take(2))[0]

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def string(self):
        return self.take(self.short()).decode("utf-8", "replace")

    def long_string(self):
        return self.take(self.int()).decode("utf-8", "replace")

    def bytes(self):
        n = self.int()
        return None if n < 0 else self.take(n)

    def string_list(self):
        return [self.string() for _ in range(self.short())]

    def string_multimap(self):
        return {self.string(): self.string_list() for _ in range(self.short())}

    def option(self):
        """A column type: (id, detail), detail being the class name, element types or fields."""
        kind = self.short()
        if kind == 0x0000:
            return (kind, self.string())
        if kind in (0x0020, 0x0022):  # list, set
            return (kind, self.option())
        if kind == 0x0021:  # map
            return (kind, (self.option(), self.option()))
        if kind == 0x0030:  # UDT
            self.string()
            self.string()
            fields = []
            for _ in range(self.short()):
                name = self.string()
                fields.append((name, self.option()))
            return (kind, fields)
        if kind == 0x0031:  # tuple
            return (kind, [self.option() for _ in range(self.short())])
        return (kind, None)


def short_bytes(value):
    return struct.pack(">H", len(value)) + value


def long_string(text):
    raw = text.encode("utf-8")
    return struct.pack(">i", len(raw)) + raw


def string_map(entries):
    out = struct.pack(">H", len(entries))
    for k, v in entries.items():
        out += short_bytes(k.encode()) + short_bytes(v.encode())
    return out


# --- values to text ------------------------------------------------------------------------------
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def varint(raw):
    return int.from_bytes(raw, "big", signed=True) if raw else 0


def decode(kind, raw):
    """A value as Python data (collections as lists/dicts/tuples), None for NULL."""
    if raw is None:
        return None
    k, detail = kind
    if k in (0x0001, 0x000D):  # ascii, varchar
        return raw.decode("utf-8", "replace")
    if k in (0x0002, 0x0005, 0x0009, 0x0013, 0x0014, 0x000E):  # bigint counter int smallint tinyint varint
        return varint(raw)
    if k == 0x0004:
        return bool(raw[0]) if raw else None
    if k == 0x0007:
        return struct.unpack(">d", raw)[0]
    if k == 0x0008:
        return struct.unpack(">f", raw)[0]
    if k == 0x0006:  # decimal: int scale, varint unscaled
        scale = struct.unpack(">i", raw[:4])[0]
        return decimal.Decimal(varint(raw[4:])).scaleb(-scale)
    if k == 0x000B:  # timestamp, ms since the epoch
        ms = varint(raw)
        try:
            return (EPOCH + datetime.timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")
        except OverflowError:
            return ms
    if k in (0x000C, 0x000F):
        return str(uuid.UUID(bytes=raw))
    if k == 0x0010:
        return str(ipaddress.ip_address(raw))
    if k == 0x0011:  # date: days, 2^31 = the epoch
        days = struct.unpack(">I", raw)[0] - (1 << 31)
        try:
            return (datetime.date(1970, 1, 1) + datetime.timedelta(days=days)).isoformat()
        except OverflowError:
            return days
    if k == 0x0012:  # time: ns since midnight
        ns = varint(raw)
        s, ns = divmod(ns, 1_000_000_000)
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{ns:09d}"
    if k in (0x0020, 0x0022, 0x0021):
        r = Reader(raw)
        n = r.int()
        if k == 0x0021:
            return {decode(detail[0], r.bytes()): decode(detail[1], r.bytes()) for _ in range(n)}
        return [decode(detail, r.bytes()) for _ in range(n)]
    if k == 0x0031:
        r = Reader(raw)
        return tuple(decode(t, r.bytes()) if r.pos < len(raw) else None for t in detail)
    if k == 0x0030:
        r = Reader(raw)
        return {name: (decode(t, r.bytes()) if r.pos < len(raw) else None) for name, t in detail}
    return "0x" + raw.hex()  # blob, duration, custom


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return repr(value)
    return str(value)


# --- the connection ------------------------------------------------------------------------------
class Connection:
    def __init__(self, host, port, timeout):
        self.timeout = timeout
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            raise ProtocolFailure(f"cannot connect to {host}:{port}: {e.strerror or e}") from None
        self.sock.settimeout(timeout)
        self.where = f"{host}:{port}"

    def close(self):
        self.sock.close()

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except socket.timeout:
                raise ProtocolFailure(f"{self.where} did not answer within {self.timeout:g} s") from None
            except OSError as e:
                raise ProtocolFailure(f"reading from {self.where}: {e.strerror or e}") from None
            if not chunk:
                raise ProtocolFailure(f"{self.where} closed the connection")
            buf += chunk
        return buf

    def request(self, opcode, body=b""):
        """Sends one frame on stream 0 and returns (opcode, Reader) of the answer."""
        header = struct.pack(">BBhBi", VERSION, 0, 0, opcode, len(body))
        try:
            self.sock.sendall(header + body)
        except OSError as e:
            raise ProtocolFailure(f"writing to {self.where}: {e.strerror or e}") from None
        head = self._recv(9)
        version, flags, _stream, op, length = struct.unpack(">BBhBi", head)
        if version & 0x7F != VERSION or not version & 0x80:
            raise ProtocolFailure(f"{self.where} answered with protocol version byte 0x{version:02x}"
                                  " (is it a CQL native port?)")
        if length < 0 or length > 256 << 20:
            raise ProtocolFailure(f"{self.where} sent a frame of {length} bytes")
        r = Reader(self._recv(length))
        if flags & 0x01:
            raise ProtocolFailure("the server compressed a frame although no compression was asked for")
        if flags & 0x02:  # tracing id
            r.take(16)
        if flags & 0x08:  # warnings
            for w in r.string_list():
                print(f"warning: {w}", file=sys.stderr)
        if flags & 0x04:  # custom payload
            for _ in range(r.short()):
                r.string()
                r.bytes()
        if op == OP_ERROR:
            code = r.int()
            raise ServerError(code, r.string())
        return op, r

    def options(self):
        op, r = self.request(OP_OPTIONS)
        if op != OP_SUPPORTED:
            raise ProtocolFailure(f"OPTIONS was answered with opcode 0x{op:02x}, not SUPPORTED")
        return r.string_multimap()

    def startup(self, user, password):
        op, r = self.request(OP_STARTUP, string_map({"CQL_VERSION": "3.0.0"}))
        if op == OP_READY:
            return
        if op != OP_AUTHENTICATE:
            raise ProtocolFailure(f"STARTUP was answered with opcode 0x{op:02x}")
        authenticator = r.string()
        if user is None:
            raise ServerError(0x0100, f"the server requires a login ({authenticator}); "
                              "pass --user and --password")
        token = b"\0" + user.encode() + b"\0" + (password or "").encode()
        op, r = self.request(OP_AUTH_RESPONSE, struct.pack(">i", len(token)) + token)
        if op == OP_AUTH_CHALLENGE:
            raise ProtocolFailure(f"{authenticator} sent a SASL challenge; only PLAIN is supported")
        if op != OP_AUTH_SUCCESS:
            raise ProtocolFailure(f"AUTH_RESPONSE was answered with opcode 0x{op:02x}")

    def query(self, cql, consistency, page_size=5000):
        """Runs one statement; returns (column names, rows) for a SELECT, else (None, None)."""
        names, rows, paging_state = None, [], None
        while True:
            flags = 0x04 | (0x08 if paging_state is not None else 0)
            body = long_string(cql) + struct.pack(">HB", consistency, flags) + struct.pack(">i", page_size)
            if paging_state is not None:
                body += struct.pack(">i", len(paging_state)) + paging_state
            op, r = self.request(OP_QUERY, body)
            if op != OP_RESULT:
                raise ProtocolFailure(f"QUERY was answered with opcode 0x{op:02x}")
            kind = r.int()
            if kind != 0x0002:  # Void, Set_keyspace, Prepared, Schema_change
                return None, None
            mflags = r.int()
            ncols = r.int()
            paging_state = r.bytes() if mflags & 0x0002 else None
            if mflags & 0x0004:  # no metadata (only for prepared statements)
                raise ProtocolFailure("rows without metadata")
            if mflags & 0x0001:  # global table spec
                r.string()
                r.string()
            cols = []
            for _ in range(ncols):
                if not mflags & 0x0001:
                    r.string()
                    r.string()
                name = r.string()
                cols.append((name, r.option()))
            names = [c[0] for c in cols]
            for _ in range(r.int()):
                rows.append([decode(t, r.bytes()) for _, t in cols])
            if paging_state is None:
                return names, rows


# --- statements from stdin -----------------------------------------------------------------------
def split_statements(script):
    """Splits at ';' outside '...', "...", $$...$$ and comments (--, //, /* */)."""
    out, cur, i, n = [], [], 0, len(script)
    while i < n:
        c = script[i]
        two = script[i:i + 2]
        if c in "'\"":
            j = i + 1
            while j < n:
                if script[j] == c:
                    if script[j + 1:j + 2] == c:  # doubled quote
                        j += 2
                        continue
                    break
                j += 1
            cur.append(script[i:j + 1])
            i = j + 1
        elif two == "$$":
            j = script.find("$$", i + 2)
            j = n if j < 0 else j + 2
            cur.append(script[i:j])
            i = j
        elif two in ("--", "//"):
            j = script.find("\n", i)
            i = n if j < 0 else j
        elif two == "/*":
            j = script.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == ";":
            out.append("".join(cur))
            cur = []
            i += 1
        else:
            cur.append(c)
            i += 1
    out.append("".join(cur))
    return [s.strip() for s in out if s.strip()]


def main(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(
        prog="cql.py", description="Runs CQL statements against Cassandra (native protocol v4).",
        epilog="Exit codes: 0 done, 1 server error, 2 usage, 3 no connection / time-out / protocol failure.")
    p.add_argument("statements", nargs="*", metavar="CQL",
                   help="statements to run in order (none: read them from stdin, split at ';')")
    p.add_argument("--host", default=env("SLUICE_CASSANDRA_HOST") or "127.0.0.1")
    p.add_argument("--port", type=int, default=int(env("SLUICE_CASSANDRA_PORT") or 9042))
    p.add_argument("--user", "-u", default=env("SLUICE_CASSANDRA_USER"))
    p.add_argument("--password", "-p", default=env("SLUICE_CASSANDRA_PASSWORD"))
    p.add_argument("--keyspace", "-k")
    p.add_argument("--consistency", default="ONE", type=str.upper, choices=sorted(CONSISTENCY))
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--page-size", type=int, default=5000, help="rows per page (all pages are read)")
    p.add_argument("--header", action="store_true", help="print the column names first")
    p.add_argument("--ping", action="store_true",
                   help="only send OPTIONS and wait for SUPPORTED (no login, no statements)")
    args = p.parse_args(argv)
    if args.page_size < 1:
        p.error("--page-size must be 1 or more")

    if args.ping and args.statements:
        p.error("--ping takes no statements")
    statements = args.statements
    if not args.ping and not statements:
        if sys.stdin.isatty():
            p.error("no statements (give them as arguments or on stdin)")
        statements = split_statements(sys.stdin.read())
    if args.keyspace:
        statements = [f'USE "{args.keyspace}"'] + statements

    conn = None
    try:
        conn = Connection(args.host, args.port, args.timeout)
        if args.ping:
            supported = conn.options()
            versions = ",".join(supported.get("PROTOCOL_VERSIONS", [])) or "?"
            print(f"{conn.where}: CQL {','.join(supported.get('CQL_VERSION', ['?']))},"
                  f" protocol versions {versions}")
            return 0
        conn.startup(args.user, args.password)
        for cql in statements:
            names, rows = conn.query(cql, CONSISTENCY[args.consistency], args.page_size)
            if names is None:
                continue
            if args.header:
                print("\t".join(names))
            for row in rows:
                print("\t".join(text(v) for v in row))
        return 0
    except ServerError as e:
        print(f"cql.py: {e}", file=sys.stderr)
        return 1
    except ProtocolFailure as e:
        print(f"cql.py: {e}", file=sys.stderr)
        return 3
    finally:
        if conn is not None:
            conn.close()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)

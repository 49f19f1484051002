"""Vectorised helpers for the synthetic generator: ids, messy formats, string ops, writers.

Everything here works on whole numpy / pyarrow arrays; nothing loops over rows.
Timestamps are carried as int64 epoch seconds (UTC); ``NULL_TS`` marks a missing value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

NULL_TS = np.iinfo(np.int64).min
DAY = 86_400
HOUR = 3_600

_B62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)

# ---------------------------------------------------------------- timestamp formats
NAIVE, ZULU, MICRO, OFFSET, EPOCH_S, EPOCH_MS = range(6)
FORMAT_NAMES = {
    NAIVE: "2025-03-01 10:00:00 (naive, UTC)",
    ZULU: "2025-03-01T10:00:00Z",
    MICRO: "2025-03-01T10:00:00.000000Z",
    OFFSET: "2025-03-01T12:00:00+02:00 (local time with offset)",
    EPOCH_S: "1740823200 (epoch seconds)",
    EPOCH_MS: "1740823200000 (epoch milliseconds)",
}
#                 naive  Z     micro offset epoch_s epoch_ms
TS_MIX = {
    "salesforce": [0.45, 0.25, 0.10, 0.15, 0.03, 0.02],
    "stripe": [0.05, 0.07, 0.03, 0.05, 0.80, 0.00],
    "hubspot": [0.03, 0.10, 0.07, 0.05, 0.00, 0.75],
    "zendesk": [0.15, 0.50, 0.10, 0.20, 0.05, 0.00],
}
OFFSETS_MIN = np.array([120, -300, 60, -480, 330, 540, -180, 0], dtype=np.int64)
_OFFSET_STR = ["+02:00", "-05:00", "+01:00", "-08:00", "+05:30", "+09:00", "-03:00", "+00:00"]

BOOL_SPELLINGS = ["false", "true", "FALSE", "TRUE", "False", "True", "0", "1", "f", "t"]
BOOL_MIX = [0.50, 0.15, 0.15, 0.10, 0.10]


def _fmt_subset(ts: np.ndarray, code: int, rng: np.random.Generator) -> pa.Array:
    if code == EPOCH_S:
        return pa.array(ts).cast(pa.string())
    if code == EPOCH_MS:
        return pa.array(ts * 1000).cast(pa.string())
    if code == OFFSET:
        offset_index = rng.integers(0, len(OFFSETS_MIN), size=len(ts))
        local = pa.array(ts + OFFSETS_MIN[offset_index] * 60).cast(pa.timestamp("s"))
        body = pc.strftime(local, "%Y-%m-%dT%H:%M:%S")
        return pc.binary_join_element_wise(body, pick(_OFFSET_STR, offset_index), "")
    t = pa.array(ts).cast(pa.timestamp("s"))
    if code == NAIVE:
        return pc.strftime(t, "%Y-%m-%d %H:%M:%S")
    if code == ZULU:
        return pc.strftime(t, "%Y-%m-%dT%H:%M:%SZ")
    return pc.strftime(t.cast(pa.timestamp("us")), "%Y-%m-%dT%H:%M:%SZ")


def fmt_ts(ts: np.ndarray, rng: np.random.Generator, mix: list[float]) -> pa.Array:
    """Format epoch seconds, picking one of the six formats per row (``mix`` weights)."""
    ts = np.asarray(ts, dtype=np.int64)
    n = len(ts)
    codes = rng.choice(6, size=n, p=np.asarray(mix) / np.sum(mix))
    codes[ts == NULL_TS] = 6
    parts, order = [], []
    for code in range(6):
        idx = np.flatnonzero(codes == code)
        if len(idx):
            parts.append(_fmt_subset(ts[idx], code, rng))
            order.append(idx)
    nulls = np.flatnonzero(codes == 6)
    if len(nulls):
        parts.append(pa.nulls(len(nulls), pa.string()))
        order.append(nulls)
    if not parts:
        return pa.array([], pa.string())
    cat = pa.concat_arrays([p.cast(pa.string()) for p in parts])
    inv = np.empty(n, dtype=np.int64)
    inv[np.concatenate(order)] = np.arange(n)
    return cat.take(pa.array(inv))


def fmt_synced(ts_us: np.ndarray) -> pa.Array:
    """``_fivetran_synced``: always ISO-8601 UTC with microseconds (written by the loader)."""
    t = pa.array(np.asarray(ts_us, dtype=np.int64)).cast(pa.timestamp("us"))
    return pc.strftime(t, "%Y-%m-%dT%H:%M:%SZ")


def fmt_date(ts: np.ndarray) -> pa.Array:
    ts = np.asarray(ts, dtype=np.int64)
    valid = ts != NULL_TS
    t = pa.array(np.where(valid, ts, 0)).cast(pa.timestamp("s"))
    out = pc.strftime(t, "%Y-%m-%d")
    return pc.if_else(pa.array(~valid), pa.scalar(None, pa.string()), out)


def fmt_bool(b: np.ndarray, rng: np.random.Generator, null: np.ndarray | None = None) -> pa.Array:
    """Booleans spelled true/false, TRUE/FALSE, True/False, 1/0, t/f mixed per row."""
    b = np.asarray(b, dtype=bool)
    style = rng.choice(5, size=len(b), p=BOOL_MIX)
    out = pick(BOOL_SPELLINGS, style * 2 + b.astype(np.int64))
    if null is not None:
        out = pc.if_else(pa.array(null), pa.scalar(None, pa.string()), out)
    return out


# ---------------------------------------------------------------- strings
def pick(choices: list[str], idx: np.ndarray) -> pa.Array:
    return pa.array(choices, pa.string()).take(pa.array(np.asarray(idx, dtype=np.int64)))


def cat(*parts) -> pa.Array:
    """Element-wise concatenation of string arrays and python str scalars."""
    return pc.binary_join_element_wise(*parts, "")


def num_str(x: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(x)).cast(pa.string())


def zpad(prefix: str, x: np.ndarray, width: int) -> pa.Array:
    return cat(prefix, pc.utf8_lpad(num_str(np.asarray(x, dtype=np.int64)), width, "0"))


def null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), pa.scalar(None, arr.type), arr)


def where(mask: np.ndarray, a, b) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def cents(x: np.ndarray) -> pa.Array:
    return num_str(np.asarray(x, dtype=np.int64))


# ---------------------------------------------------------------- ids
def _b62_block(num: np.ndarray, width: int) -> np.ndarray:
    out = np.empty((len(num), width), dtype=np.uint8)
    num = num.copy()
    for j in range(width - 1, -1, -1):
        out[:, j] = _B62[num % 62]
        num //= 62
    return out


def _scramble(start: int, count: int, width: int, salt: int) -> np.ndarray:
    mod = np.uint64(62 ** min(width, 10))
    i = np.arange(start, start + count, dtype=np.uint64)
    return (i * np.uint64(29_999_999_989) + np.uint64(salt * 7_919_111)) % mod


def sf_ids(prefix3: str, start: int, count: int) -> pa.Array:
    """Salesforce 18-char ids: ``<3-char prefix>5g00000`` + 8 base62 chars (unique per start)."""
    head = np.frombuffer((prefix3 + "5g00000").encode(), dtype=np.uint8)
    body = _b62_block(_scramble(start, count, 8, int(prefix3, 36)), 8)
    full = np.concatenate([np.broadcast_to(head, (count, 10)), body], axis=1)
    return pa.array(np.ascontiguousarray(full).view("S18").ravel()).cast(pa.string())


def stripe_ids(prefix: str, start: int, count: int) -> pa.Array:
    """Stripe ids: ``cus_`` etc. + 14 base62 chars."""
    num = _scramble(start, count, 10, len(prefix) * 31 + ord(prefix[0]))
    body = _b62_block(num, 10)
    tail = _b62_block((num * np.uint64(48_271)) % np.uint64(62**4), 4)
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    full = np.concatenate([np.broadcast_to(head, (count, len(head))), tail, body], axis=1)
    width = len(head) + 14
    return pa.array(np.ascontiguousarray(full).view(f"S{width}").ravel()).cast(pa.string())


def int_ids(base: int, start: int, count: int, stride: int = 1) -> np.ndarray:
    return base + (np.arange(start, start + count, dtype=np.int64) * stride)


# ---------------------------------------------------------------- grouping
def group_rank(*keys: np.ndarray) -> np.ndarray:
    """0-based rank of each row among rows with equal keys (in original order)."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(tuple(reversed((*keys, np.arange(n)))))
    sorted_keys = [key[order] for key in keys]
    new = np.ones(n, dtype=bool)
    new[1:] = False
    for key in sorted_keys:
        new[1:] |= key[1:] != key[:-1]
    starts = np.flatnonzero(new)
    grp = np.cumsum(new) - 1
    rank_sorted = np.arange(n) - starts[grp]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = rank_sorted
    return rank


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-parent counts, return (parent index per child, 0-based position in parent)."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(parent)) - starts[parent]
    return parent, pos


# ---------------------------------------------------------------- writers
class RawWriter:
    """Appends chunks to ``<out>/<system>/<table>.<fmt>`` with exactly the contract columns.

    ``profile`` (see ``clearinghouse.synth.profiles``) turns each chunk into the files of its
    layout (default: written as is); only tables of ``systems`` (default: all) are written."""

    def __init__(self, out: Path, fmt: str, tables: dict[str, dict[str, list[str]]],
                 profile=None, systems: tuple[str, ...] | None = None):
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
        self.out, self.fmt, self.tables = Path(out), fmt, tables
        self.profile = profile
        self.systems = tuple(tables) if systems is None else tuple(systems)
        self.writers: dict[str, object] = {}
        self.schemas: dict[str, pa.Schema] = {}
        self.counts: dict[str, int] = {}

    def _schema(self, key: str) -> pa.Schema:
        system, table = key.split("/")
        return pa.schema([(c, pa.string()) for c in self.tables[system][table]])

    def _open(self, key: str, columns: list[str]):
        if key not in self.writers:
            path = self.out / f"{key}.{self.fmt}"
            path.parent.mkdir(parents=True, exist_ok=True)
            schema = pa.schema([(c, pa.string()) for c in columns])
            if self.fmt == "csv":
                self.writers[key] = pcsv.CSVWriter(str(path), schema)
            else:
                self.writers[key] = pq.ParquetWriter(str(path), schema, compression="zstd")
            self.schemas[key] = schema
            self.counts[key] = 0
        return self.writers[key]

    def _outputs(self, key: str, table: pa.Table) -> list[tuple[str, pa.Table]]:
        if key.split("/")[0] not in self.systems:
            return []
        return [(key, table)] if self.profile is None else self.profile.apply(key, table)

    def write(self, key: str, table: pa.Table) -> None:
        for out_key, part in self._outputs(key, table):
            writer = self._open(out_key, part.column_names)
            if part.num_rows:
                if part.schema != self.schemas[out_key]:
                    part = part.cast(self.schemas[out_key])
                writer.write_table(part)
                self.counts[out_key] += part.num_rows

    def build(self, key: str, cols: dict[str, pa.Array], n: int) -> pa.Table:
        schema = self._schema(key)
        unknown = set(cols) - set(schema.names)
        if unknown:
            raise KeyError(f"{key}: columns not in contract: {sorted(unknown)}")
        arrays = []
        for name in schema.names:
            a = cols.get(name)
            if a is None:
                a = pa.nulls(n, pa.string())
            elif not isinstance(a, (pa.Array, pa.ChunkedArray)):
                a = pa.array(a)
            if len(a) != n:
                raise ValueError(f"{key}.{name}: {len(a)} rows, expected {n}")
            arrays.append(a.cast(pa.string()))
        return pa.Table.from_arrays(arrays, schema=schema)

    def close(self) -> dict[str, int]:
        for system, tables in self.tables.items():
            if system not in self.systems:
                continue
            for table, columns in tables.items():
                key = f"{system}/{table}"
                outputs = ({key: columns} if self.profile is None
                           else self.profile.outputs(key, columns))
                for out_key, out_columns in outputs.items():
                    self._open(out_key, out_columns)
        for writer in self.writers.values():
            writer.close()
        return {k: self.counts[k] for k in sorted(self.counts)}


def messify(table: pa.Table, rng: np.random.Generator, order_key: np.ndarray | None,
            late: pa.Table | None = None, dup_rate: float = 0.005,
            shuffle_rate: float = 0.02) -> pa.Table:
    """Export mess: rows mostly in ``order_key`` order, ~2% appended out of order,
    ~0.5% exact duplicate lines, then late-arriving versions (``late``) at the end."""
    n = table.num_rows
    if n == 0:
        return table if late is None else pa.concat_tables([table, late])
    order = np.arange(n) if order_key is None else np.argsort(order_key, kind="stable")
    moved = rng.random(n) < shuffle_rate
    order = np.concatenate([order[~moved[order]], np.flatnonzero(moved)])
    dups = np.flatnonzero(rng.random(n) < dup_rate)
    if len(dups):
        pos = np.sort(rng.integers(0, n + 1, size=len(dups)))
        order = np.insert(order, pos, dups)
    out = table.take(pa.array(order))
    if late is not None and late.num_rows:
        out = pa.concat_tables([out, late])
    return out

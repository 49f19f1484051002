"""A connector export as it stood before a cut: today's export without the records
created since, and without what happened since to the others.

A row is a record created since when its earliest timestamp (of the contract's timestamp
columns, the connector's sync time aside) is at or after the cut: it is left out.
Yesterday's version of a kept record is not known: today's stands in, without what
happened since: its timestamps at or after the cut are emptied (a task completed since was
open, a ticket updated since was last updated before), but its schedule is kept
(SCHEDULED: due and close dates, period ends, which can lie ahead). Files without such
timestamps (HubSpot's campaigns and per-type event details) are copied whole: when their
records were created is not known. Timestamps are read as the build reads them.

`exports_as_of(today, yesterday, cut)` writes yesterday's exports: a build of those
followed by an incremental build of today's replays one daily run
(tests/test_incremental.py, benchmarks/bench.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from clearinghouse.contract import load_contract, match_columns
from clearinghouse.parsing import patterns

SYNCED = "_fivetran_synced"
# timestamps that can lie ahead of the export (int_core__data_end leaves them out too)
SCHEDULED = {"close_date", "activity_date", "current_period_end", "trial_end", "period_end",
             "due_date", "due_at"}


def _instant(name: str) -> str:
    """SQL: a raw timestamp column as an instant, read as the build reads it (macro
    parse_timestamp, clearinghouse.parsing): ISO-8601 (naive = UTC), epoch milliseconds
    or seconds; null when unreadable."""
    value = f'trim(cast("{name}" as varchar))'
    return (f"case when regexp_full_match({value}, '{patterns()['epoch_milliseconds_pattern']}') "
            f"then to_timestamp(cast({value} as bigint) / 1000.0) "
            f"when regexp_full_match({value}, '{patterns()['epoch_seconds_pattern']}') "
            f"then to_timestamp(cast({value} as bigint)) "
            f"else try_cast({value} as timestamptz) end")


def exports_as_of(raw: Path, out: Path, cut: str, fmt: str = "csv") -> dict[str, tuple[int, int]]:
    """Write raw's exports as of `cut` (ISO timestamp, UTC) under out; returns, per file
    (system/table), (rows in raw, rows written)."""
    raw, out = Path(raw), Path(out)
    counts: dict[str, tuple[int, int]] = {}
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for path in sorted(raw.glob(f"*/*.{fmt}")):
            target = out / path.relative_to(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            reader = (f"read_csv('{path}', all_varchar = true, header = true)" if fmt == "csv"
                      else f"read_parquet('{path}')")
            columns = [row[0] for row in connection.execute(f"describe select * from {reader}")
                       .fetchall()]
            total = connection.execute(f"select count(*) from {reader}").fetchone()[0]
            system = load_contract().get(path.parent.name)
            table = system.tables.get(path.stem) if system else None
            mapping = match_columns(table, columns) if table else {}
            names = [mapping[c.name] for c in table.columns
                     if c.data_type in ("timestamp", "date") and c.name != SYNCED
                     and mapping.get(c.name)] if table else []
            if not names:
                shutil.copyfile(path, target)
                counts[f"{path.parent.name}/{path.stem}"] = (total, total)
                continue
            cut_at = f"cast('{cut}' as timestamptz)"
            before = ("coalesce(least(" + ", ".join(_instant(name) for name in names)
                      + f") < {cut_at}, true)")
            emptied = [f'case when {_instant(name)} >= {cut_at} '
                       f'then null else "{name}" end as "{name}"'
                       for name in names if name.lower() not in SCHEDULED]
            replaced = f" replace ({', '.join(emptied)})" if emptied else ""
            kept = f"select *{replaced} from {reader} where {before}"
            options = "(format csv, header true)" if fmt == "csv" else "(format parquet)"
            # COPY returns the number of rows it wrote
            written = connection.execute(f"copy ({kept}) to '{target}' {options}").fetchone()[0]
            counts[f"{path.parent.name}/{path.stem}"] = (total, written)
    return counts

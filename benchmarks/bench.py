"""Benchmark: generate, build, the raw-read floor, and the cadence model against a bare query.

Prints, per scale: generate time, build time (`dbt build`, models + tests), the time to
read every raw file once with plain DuckDB (the floor for any build), and the time of the
rolling-cap model's compiled SQL (int_policy__rolling_caps: the base contact rule and the
account rule, with window lists and reasons) beside bare DuckDB window counts of the same
windows, with ratios; `violations` = that model's rows. Not a test: it measures, it
asserts nothing.

    python benchmarks/bench.py --scales demo small [--keep DIR]
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from clearinghouse.build import build
from clearinghouse.raw_schema import RAW_TABLES
from clearinghouse.synth import generate

COMPILED = Path("compiled/clearinghouse/models/intermediate/governance")
COMPILED = COMPILED / "int_policy__rolling_caps.sql"

# The floor for int_policy__rolling_caps with the shipped seed: the same two 7-day
# windows (per contact, cap 2; per account, cap 8) as bare counts, no lists, no reasons.
BARE_WINDOW = """
create or replace temp table bare as
select message_id, count(*) over w as messages_in_window
from fct_communications
where category in ('promotional', 'success', 'sales')
window w as (
    partition by contact_id order by sent_at
    range between interval 7 days preceding and current row
)
union all
select message_id, count(*) over w as messages_in_window
from fct_communications
where category in ('promotional', 'success', 'sales') and account_id is not null
window w as (
    partition by account_id order by sent_at
    range between interval 7 days preceding and current row
)
"""


def _timed(function, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _read_raw_once(raw: Path, fmt: str) -> None:
    with duckdb.connect() as connection:
        for system, tables in RAW_TABLES.items():
            for table in tables:
                path = str(raw / system / f"{table}.{fmt}")
                reader = (f"read_csv('{path}', all_varchar = true, header = true)"
                          if fmt == "csv" else f"read_parquet('{path}')")
                connection.execute(f"select count(*) from {reader}").fetchall()


def bench_scale(scale: str, root: Path, fmt: str, seed: int, reuse: bool = False
                ) -> dict[str, float]:
    raw, truth, db = root / "raw", root / "truth", root / "warehouse.duckdb"
    target = root / "target"
    if reuse and db.is_file() and (target / COMPILED).is_file():
        figures = {"generate_s": float("nan"), "build_s": float("nan")}
    else:
        figures = {"generate_s": _timed(
            lambda: generate(raw, truth, scale, seed, fmt, progress=False))}
        figures["build_s"] = _timed(
            lambda: build(db_path=db, raw=raw, fmt=fmt, target_path=target, quiet=True))
    figures["raw_read_floor_s"] = _timed(lambda: _read_raw_once(raw, fmt), repeat=2)
    cadence_sql = re.sub(r'"[^"]+"\."main"\.', "main.", (target / COMPILED).read_text())
    with duckdb.connect(str(db), read_only=True) as connection:
        figures["messages"] = connection.execute(
            "select count(*) from fct_communications").fetchall()[0][0]
        figures["cadence_model_s"] = _timed(lambda: connection.execute(
            f"create or replace temp table model_run as {cadence_sql}"), repeat=3)
        figures["bare_window_s"] = _timed(lambda: connection.execute(BARE_WINDOW), repeat=3)
        figures["violations"] = connection.execute(
            "select count(*) from int_policy__rolling_caps").fetchall()[0][0]
    return figures


def _seconds(value: float, width: int, digits: int) -> str:
    """Right-aligned seconds, '-' when not measured (--reuse)."""
    text = "-" if math.isnan(value) else f"{value:.{digits}f}s"
    return f"{text:>{width + 1}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["demo", "small"],
                        choices=["demo", "small", "medium", "large"])
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", help="keep data and warehouses under this folder")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: time only the queries on warehouses already there")
    args = parser.parse_args()

    print(f"{'scale':<8}{'messages':>11}{'generate':>10}{'build':>9}{'raw floor':>11}"
          f"{'build/floor':>13}{'cadence':>10}{'bare win':>10}{'cad/bare':>10}"
          f"{'violations':>12}", flush=True)
    for scale in args.scales:
        root = Path(args.keep) / scale if args.keep else Path(tempfile.mkdtemp(prefix="bench-"))
        root.mkdir(parents=True, exist_ok=True)
        try:
            f = bench_scale(scale, root, args.format, args.seed, args.reuse and bool(args.keep))
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        ratio = f["build_s"] / f["raw_read_floor_s"]
        print(
            f"{scale:<8}{f['messages']:>11,}{_seconds(f['generate_s'], 9, 1)}"
            f"{_seconds(f['build_s'], 8, 1)}{f['raw_read_floor_s']:>10.2f}s"
            f"{'-' if math.isnan(ratio) else f'{ratio:.1f}x':>13}"
            f"{f['cadence_model_s']:>9.2f}s{f['bare_window_s']:>9.2f}s"
            f"{f['cadence_model_s'] / f['bare_window_s']:>9.1f}x{f['violations']:>12,}",
            flush=True,
        )


if __name__ == "__main__":
    main()

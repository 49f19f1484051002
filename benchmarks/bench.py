"""Benchmark: generate, build, floor, peak memory, and the cadence model against a bare query.

Prints, per scale: generate time, build time (`dbt build`, models + tests, in a child
process), the build's peak memory (the child's peak resident set: dbt, DuckDB and the
inspection; plus the quality checks' process when they ran beside dbt, i.e. without
--memory-limit), the time to read every raw file once with plain DuckDB (the floor for any
build), and the time of the rolling-cap model's compiled SQL (int_policy__rolling_caps:
every active rolling rule, with window lists and reasons) beside a bare DuckDB window count
of the same rules (read from the built warehouse's int_policy__rules: one RANGE count per
rule over fct_communications, its categories, channels, scope and window, kept where it
exceeds the cap; no lists, no reasons), with the ratio; `violations` = the model's rows
(the bare count must find as many: `bare rows` says when it does not). With --spark, the
demo scale is also built on Spark (clearinghouse.engines: both engines, every mart
compared). Incremental vs full: a daily run replayed (bench_incremental): the exports
without their last --new-days days, built in full, then the whole exports built with
`--incremental` over that warehouse, timed against the full build and compared with it
table by table. Below the build (fixed_and_write_floors; --no-floors skips them): the same
build on each file's first records (dbt's parse and its cost per node, with almost no data)
and the time to write every table the build wrote, copied once with plain DuckDB. Not a
test: it measures, it asserts nothing.

    python benchmarks/bench.py --scales demo small [--keep DIR] [--reuse] [--raw DIR]
        [--memory-limit 3GB] [--format parquet] [--spark] [--new-days 2] [--no-floors]

--raw builds from exports already on disk (one scale; nothing generated). --reuse (with
--keep) times only the queries on the warehouse already there, recompiling the model from
the current project first, so a change to the model can be measured on the same data.
--memory-limit caps DuckDB's memory for the build (CLEARINGHOUSE_MEMORY_LIMIT; it spills
to a folder next to the warehouse beyond it).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import duckdb

from clearinghouse.build import differing_tables, run_dbt
from clearinghouse.raw_schema import RAW_TABLES
from clearinghouse.synth import generate

COMPILED = Path("compiled/clearinghouse/models/intermediate/governance")
COMPILED = COMPILED / "int_policy__rolling_caps.sql"

# the fixed-cost build reads this many records of each export
FIXED_ROWS = 40

RULES = """
select rule_id, scope, window_days, max_messages, counted_categories, exempt_categories, channels
from int_policy__rules
where rule_type = 'rolling_cap' and window_kind = 'rolling'
order by rule_id
"""


def _quoted(pipe_list: str | None) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in (pipe_list or "").split("|")
                     if value)


def bare_window_sql(connection: duckdb.DuckDBPyConnection) -> str:
    """The floor for int_policy__rolling_caps: for each active rolling rule of the built
    warehouse's policy (int_policy__rules, from the seed), a bare RANGE window count over
    fct_communications of the messages the rule counts, per contact or account, kept where
    it exceeds the rule's cap: the violating (rule, message) pairs, without lists or reasons."""
    branches = []
    rules = connection.execute(RULES).fetchall()
    for rule_id, scope, days, cap, counted, exempt, channels in rules:
        key = "account_id" if scope == "account" else "contact_id"
        where = [f"{key} is not null", "contact_id is not null", "sent_at is not null",
                 f"category in ({_quoted(counted)})"]
        where += [f"category not in ({_quoted(exempt)})"] if _quoted(exempt) else []
        where += [] if channels == "*" else [f"channel in ({_quoted(channels)})"]
        branches.append(f"""
            select rule_id, message_id, messages_in_window from (
                select '{rule_id}' as rule_id, message_id, count(*) over w as messages_in_window
                from fct_communications
                where {' and '.join(where)}
                window w as (partition by {key} order by sent_at
                             range between interval {int(days)} days preceding and current row)
            ) as counted
            where messages_in_window > {int(cap)}""")
    return "create or replace temp table bare as" + "\nunion all".join(branches)


def _timed(function, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _raw_files(raw: Path, fmt: str):
    """The path of every raw table's file under raw (existing or not)."""
    for system, tables in RAW_TABLES.items():
        for table in tables:
            yield raw / system / f"{table}.{fmt}"


def _read_raw_once(raw: Path, fmt: str) -> None:
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        for path in _raw_files(raw, fmt):
            # a CSV is parsed whole even for count(*); Parquet's count(*) reads only the
            # footers, so there every column's values are counted (and so read)
            reader, counted = ((f"read_csv('{path}', all_varchar = true, header = true)", "*")
                               if fmt == "csv" else (f"read_parquet('{path}')", "columns(*)"))
            connection.execute(f"select count({counted}) from {reader}").fetchall()


CHILD_BUILD = """
import json, resource, sys, time
from pathlib import Path
from clearinghouse.build import build
db, raw, fmt, target, incremental = sys.argv[1:6]
started = time.perf_counter()
result = build(db_path=Path(db), raw=Path(raw), fmt=fmt, target_path=Path(target), quiet=True,
               incremental=incremental == "incremental")
seconds = time.perf_counter() - started
# the build's process (dbt, DuckDB) and its largest child (the quality checks): their sum
# when the checks ran beside dbt (an upper bound: the two peaks need not coincide), else the
# larger of the two
own, child = (resource.getrusage(who).ru_maxrss
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
peak_kib = own + child if result.checks == "beside" else max(own, child)
print(json.dumps({"seconds": seconds, "peak_kib": peak_kib, "mode": result.mode}))
"""


def _first_rows(raw: Path, into: Path, fmt: str, rows: int) -> None:
    """A copy of the exports with only each file's first `rows` records."""
    csv.field_size_limit(1 << 30)
    for source in _raw_files(raw, fmt):
        if not source.exists():
            continue
        copy = into / source.parent.name / source.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            with duckdb.connect() as connection:
                connection.execute(f"copy (select * from read_parquet('{source}') limit {rows}) "
                                   f"to '{copy}' (format parquet)")
            continue
        with open(source, newline="", encoding="utf-8", errors="replace") as reading, \
                open(copy, "w", newline="", encoding="utf-8") as writing:
            csv.writer(writing).writerows(itertools.islice(csv.reader(reading), rows + 1))


def fixed_and_write_floors(raw: Path, root: Path, fmt: str, db: Path,
                           memory_limit: str | None) -> dict[str, float]:
    """Two floors under the build that reading the exports does not show:
    - fixed: the same build (a child process, fresh folder, so dbt parses in full) of the
      exports cut to their first FIXED_ROWS records each: dbt's parse and its work per node
      (every model, seed and data test) on almost no data, plus the inspection, the quality
      checks and the gate (nan if that build fails: a cut can break what the full exports
      hold, e.g. a quality check's expectation);
    - write: every table of the built warehouse copied once into a fresh file with plain
      DuckDB (no computation: the cost of writing what the build writes, compressed)."""
    tiny = root / "first-rows"
    shutil.rmtree(tiny, ignore_errors=True)
    _first_rows(raw, tiny / "raw", fmt, FIXED_ROWS)
    try:
        fixed, _ = _build_in_child(tiny / "warehouse.duckdb", tiny / "raw", fmt,
                                   tiny / "target", memory_limit)
    except RuntimeError as error:
        print(f"  the build of each file's first {FIXED_ROWS} records failed: "
              f"{str(error)[-500:]}", flush=True)
        fixed = float("nan")
    shutil.rmtree(tiny, ignore_errors=True)
    copy = root / "write-floor.duckdb"
    copy.unlink(missing_ok=True)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("set enable_progress_bar = false")
        if memory_limit:
            connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"attach '{db}' as built (read_only)")
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'built' order by schema_name, table_name").fetchall()
        started = time.perf_counter()
        for schema, table in tables:
            connection.execute(f'create schema if not exists "{schema}"')
            connection.execute(f'create table "{schema}"."{table}" as '
                               f'select * from built."{schema}"."{table}"')
        connection.execute("checkpoint")
        write = time.perf_counter() - started
    copy.unlink(missing_ok=True)
    return {"fixed_s": fixed, "write_s": write, "tables": len(tables)}


def _build_in_child(db: Path, raw: Path, fmt: str, target: Path,
                    memory_limit: str | None, incremental: bool = False) -> tuple[float, float]:
    """Build in a fresh process; return (seconds, peak resident memory in GiB)."""
    environment = dict(os.environ)
    if memory_limit:
        environment["CLEARINGHOUSE_MEMORY_LIMIT"] = memory_limit
    finished = subprocess.run(
        [sys.executable, "-c", CHILD_BUILD, str(db), str(raw), fmt, str(target),
         "incremental" if incremental else "full"],
        capture_output=True, text=True, env=environment)
    if finished.returncode != 0:
        raise RuntimeError(
            f"the build failed:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
    # the last figures printed: DuckDB's progress bar may write before them on the same
    # line (it ends its lines with a carriage return only) or after them, at exit
    printed = re.findall(r'\{"seconds": [^{}]*\}', finished.stdout)
    if not printed:
        raise RuntimeError(f"the build printed no figures:\n{finished.stdout[-3000:]}")
    figures = json.loads(printed[-1])
    if incremental and figures["mode"] != "incremental":
        raise RuntimeError(f"the incremental build was a {figures['mode']}")
    return figures["seconds"], figures["peak_kib"] / 1024 ** 2


def bench_incremental(raw: Path, root: Path, fmt: str, days: int, full_s: float,
                      memory_limit: str | None) -> str:
    """A daily run replayed: the exports as they stood `days` days before their end
    (clearinghouse.synth.as_of) built in full, then today's built incrementally over that
    warehouse; the incremental build's time against the full build's, and whether every
    table equals the full build's (root/warehouse.duckdb). Returns the printed line."""
    from clearinghouse.synth.as_of import exports_as_of

    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as connection:
        end = connection.execute("select data_end_date from rpt_data_end").fetchone()[0]
    cut = (end - timedelta(days=days - 1)).isoformat()
    before, db = root / "day_before", root / "incremental.duckdb"
    before_db = root / "day_before.duckdb"  # kept (with --keep) to compare the two days
    shutil.rmtree(before, ignore_errors=True)
    counts = exports_as_of(raw, before, cut, fmt)
    new_rows = sum(total - kept for total, kept in counts.values())
    share = new_rows / max(1, sum(total for total, _ in counts.values()))
    _build_in_child(before_db, before, fmt, root / "target-incremental", memory_limit)
    shutil.copyfile(before_db, db)
    seconds, peak = _build_in_child(db, raw, fmt, root / "target-incremental", memory_limit,
                                    incremental=True)
    differing = sorted(differing_tables(root / "warehouse.duckdb", db))
    shutil.rmtree(before, ignore_errors=True)
    verdict = ("every table equals the full build's" if not differing
               else f"{len(differing)} tables differ from the full build's: "
               + ", ".join(differing[:10]))
    return (f"  incremental vs full: {seconds:.1f}s vs {full_s:.1f}s = {seconds / full_s:.0%} "
            f"after {days} new day(s) of exports from {cut} ({new_rows:,} rows, {share:.2%} of "
            f"the rows; peak {peak:.2f} GiB); {verdict}")


def bench_scale(scale: str, root: Path, fmt: str, seed: int, reuse: bool = False,
                raw: Path | None = None, memory_limit: str | None = None) -> dict[str, float]:
    db, target = root / "warehouse.duckdb", root / "target"
    truth = root / "truth"
    raw = raw or root / "raw"
    figures = {"generate_s": float("nan"), "build_s": float("nan"), "peak_gib": float("nan")}
    if reuse and db.is_file():
        # the current project's model SQL, compiled against the warehouse already built
        with contextlib.redirect_stdout(io.StringIO()):  # dbt compile prints the SQL
            run_dbt(["compile", "--select", "int_policy__rolling_caps"], db, raw, fmt, target,
                    quiet=True)
    else:
        if raw == root / "raw":
            figures["generate_s"] = _timed(
                lambda: generate(raw, truth, scale, seed, fmt, progress=False))
        figures["build_s"], figures["peak_gib"] = _build_in_child(db, raw, fmt, target,
                                                                  memory_limit)
    figures["raw_read_floor_s"] = _timed(lambda: _read_raw_once(raw, fmt), repeat=2)
    cadence_sql = re.sub(r'"[^"]+"\."main"\.', "main.", (target / COMPILED).read_text())
    with duckdb.connect(str(db), read_only=True) as connection:
        figures["messages"] = connection.execute(
            "select count(*) from fct_communications").fetchall()[0][0]
        bare_sql = bare_window_sql(connection)
        # alternated, best of 5 each: a machine shared with other work slows both alike
        model, bare = float("inf"), float("inf")
        for _ in range(5):
            model = min(model, _timed(lambda: connection.execute(
                f"create or replace temp table model_run as {cadence_sql}")))
            bare = min(bare, _timed(lambda: connection.execute(bare_sql)))
        figures["cadence_model_s"], figures["bare_window_s"] = model, bare
        figures["violations"] = connection.execute(
            "select count(*) from model_run").fetchall()[0][0]
        figures["bare_rows"] = connection.execute("select count(*) from bare").fetchall()[0][0]
    return figures


def _seconds(value: float, width: int, digits: int) -> str:
    """Right-aligned seconds, '-' when not measured (--reuse)."""
    text = "-" if math.isnan(value) else f"{value:.{digits}f}s"
    return f"{text:>{width + 1}}"


def bench_spark(raw: Path, root: Path) -> str:
    """Build one raw folder on DuckDB and on Spark (clearinghouse.engines, unit tests left
    out of both) and compare every mart; return the printed line."""
    from clearinghouse.engines import build_both, compare_marts

    seconds = build_both(raw, root / "engines")
    comparison = compare_marts(root / "engines" / "duckdb.duckdb", root / "engines" / "spark")
    verdict = ("every mart equal" if comparison.equal
               else f"{len(comparison.differences)} marts differ")
    return (f"  spark vs duckdb: duckdb {seconds['duckdb']:.1f}s, spark {seconds['spark']:.1f}s "
            f"({seconds['spark'] / seconds['duckdb']:.1f}x); {len(comparison.compared)} marts "
            f"compared, {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["demo", "small"],
                        choices=["demo", "small", "medium", "large"])
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", help="keep data and warehouses under this folder")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: time only the queries on warehouses already there "
                        "(the model recompiled from the current project)")
    parser.add_argument("--raw", type=Path,
                        help="build from these raw exports instead of generating (one scale)")
    parser.add_argument("--memory-limit",
                        help="DuckDB's memory limit for the build, e.g. 3GB (default 80%% of RAM)")
    parser.add_argument("--new-days", type=int, default=2,
                        help="incremental vs full: the exports without their last N days are "
                        "built in full, then the whole exports incrementally (0: not measured)")
    parser.add_argument("--no-floors", dest="floors", action="store_false",
                        help="skip the fixed-cost build (each file's first records) and the "
                        "write floor (every built table copied once)")
    parser.add_argument("--spark", action="store_true",
                        help="at demo scale, also build on Spark and compare (needs the spark "
                        "extra and Java 17)")
    args = parser.parse_args()
    if args.raw and len(args.scales) != 1:
        parser.error("--raw holds one scale's exports: give exactly one --scales")

    print(f"{'scale':<8}{'messages':>11}{'generate':>10}{'build':>9}{'peak mem':>10}"
          f"{'raw floor':>11}{'build/floor':>13}{'cadence':>10}{'bare win':>10}"
          f"{'cad/bare':>10}{'violations':>12}", flush=True)
    for scale in args.scales:
        root = Path(args.keep) / scale if args.keep else Path(tempfile.mkdtemp(prefix="bench-"))
        root.mkdir(parents=True, exist_ok=True)
        try:
            f = bench_scale(scale, root, args.format, args.seed, args.reuse and bool(args.keep),
                            args.raw, args.memory_limit)
            floors = (fixed_and_write_floors(args.raw or root / "raw", root, args.format,
                                             root / "warehouse.duckdb", args.memory_limit)
                      if args.floors and not math.isnan(f["build_s"]) else None)
            spark = (bench_spark(args.raw or root / "raw", root)
                     if args.spark and scale == "demo" else None)
            incremental = (bench_incremental(args.raw or root / "raw", root, args.format,
                                             args.new_days, f["build_s"], args.memory_limit)
                           if args.new_days and not math.isnan(f["build_s"]) else None)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        ratio = f["build_s"] / f["raw_read_floor_s"]
        peak = "-" if math.isnan(f["peak_gib"]) else f"{f['peak_gib']:.2f} GiB"
        print(
            f"{scale:<8}{f['messages']:>11,}{_seconds(f['generate_s'], 9, 1)}"
            f"{_seconds(f['build_s'], 8, 1)}{peak:>10}{f['raw_read_floor_s']:>10.2f}s"
            f"{'-' if math.isnan(ratio) else f'{ratio:.1f}x':>13}"
            f"{f['cadence_model_s']:>9.2f}s{f['bare_window_s']:>9.2f}s"
            f"{f['cadence_model_s'] / f['bare_window_s']:>9.1f}x{f['violations']:>12,}",
            flush=True,
        )
        if f["bare_rows"] != f["violations"]:
            print(f"  bare rows {f['bare_rows']:,} != violations {f['violations']:,}: the bare "
                  "count does not count the same rules", flush=True)
        if floors:
            # nan (printed as nan) when the build of the first records failed
            read, data = f["raw_read_floor_s"], f["build_s"] - floors["fixed_s"]
            print(f"  below the build: the same build on each file's first {FIXED_ROWS} records "
                  f"{floors['fixed_s']:.1f}s ({floors['fixed_s'] / read:.0f}x the read floor), "
                  f"so the data adds {data:.1f}s ({data / read:.0f}x); writing the build's "
                  f"{floors['tables']} tables once, without computing them: "
                  f"{floors['write_s']:.1f}s ({floors['write_s'] / read:.0f}x)", flush=True)
        if spark:
            print(spark, flush=True)
        if incremental:
            print(incremental, flush=True)


if __name__ == "__main__":
    main()

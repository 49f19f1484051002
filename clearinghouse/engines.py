"""The same marts on DuckDB and Spark (DESIGN.md, Portability and scale).

`compare_marts` reads every mart of a DuckDB warehouse file and of a Spark build's
warehouse directory (Parquet under clearinghouse.db/<table>/, read here by DuckDB) and
compares them: the same tables, the same columns, the same rows in any order, doubles
within a tolerance. `python -m clearinghouse.engines` builds both from one raw folder and
prints the comparison (docs/scaling-out.md); tests/test_spark.py runs it on small data.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

MART_PREFIXES = ("dim_", "fct_", "map_", "rpt_", "audit_")
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
SPARK_SCHEMA = "clearinghouse"  # profiles.yml, target spark


@dataclass
class MartDifference:
    table: str
    problem: str  # what differs
    duckdb_rows: int | None = None
    spark_rows: int | None = None
    columns: list[str] = field(default_factory=list)  # columns with differing values
    sample: list[dict] = field(default_factory=list)  # a few differing row pairs

    def __str__(self) -> str:
        text = f"{self.table}: {self.problem}"
        if self.duckdb_rows is not None:
            text += f" (rows: duckdb {self.duckdb_rows:,}, spark {self.spark_rows:,})"
        if self.columns:
            text += f"; columns: {', '.join(self.columns)}"
        return text


@dataclass
class Comparison:
    compared: list[str]
    differences: list[MartDifference]

    @property
    def equal(self) -> bool:
        return not self.differences

    def report(self) -> str:
        lines = [f"{len(self.compared)} tables compared, {len(self.differences)} differ"]
        lines += [f"  DIFF {difference}" for difference in self.differences]
        for difference in self.differences:
            for pair in difference.sample[:3]:
                lines.append(f"    {difference.table}: {json.dumps(pair, default=str)}")
        return "\n".join(lines)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_marts(connection: duckdb.DuckDBPyConnection,
                 prefixes: tuple[str, ...] = MART_PREFIXES) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() where database_name = 'duck' "
        "and schema_name = 'main' order by 1").fetchall()
    return [name for (name,) in rows if name.startswith(prefixes)]


def spark_tables(warehouse_dir: Path) -> dict[str, Path]:
    schema_dir = Path(warehouse_dir) / f"{SPARK_SCHEMA}.db"
    if not schema_dir.is_dir():
        return {}
    return {path.name: path for path in sorted(schema_dir.iterdir()) if path.is_dir()}


def _spark_relation(connection: duckdb.DuckDBPyConnection, table_dir: Path,
                    columns: list[tuple[str, str]]) -> str:
    """The Spark table's rows cast to the DuckDB mart's column types (Parquet stores
    timestamps as instants; the session is UTC on both sides)."""
    files = sorted(table_dir.glob("*.parquet"))
    if not files:
        casts = ", ".join(f"cast(null as {kind}) as {_quote(name)}" for name, kind in columns)
        return f"(select {casts} where false)"
    paths = "[" + ", ".join("'" + str(path).replace("'", "''") + "'" for path in files) + "]"
    present = {row[0].lower() for row in connection.execute(
        f"describe select * from read_parquet({paths})").fetchall()}
    missing = [name for name, _ in columns if name.lower() not in present]
    if missing:
        raise KeyError(", ".join(missing))
    casts = ", ".join(f"cast({_quote(name)} as {kind}) as {_quote(name)}" for name, kind in columns)
    return f"(select {casts} from read_parquet({paths}))"


def compare_table(connection: duckdb.DuckDBPyConnection, table: str, table_dir: Path,
                  tolerance: float = 1e-9) -> MartDifference | None:
    """None when the Spark table holds the DuckDB mart's rows (any order; doubles within
    tolerance, relative above 1); else what differs."""
    columns = [(name, kind) for name, kind, *_ in connection.execute(
        f"describe duck.main.{_quote(table)}").fetchall()]
    try:
        spark = _spark_relation(connection, table_dir, columns)
    except KeyError as error:
        return MartDifference(table, f"columns missing on Spark: {error}")
    duck = f"duck.main.{_quote(table)}"
    duck_rows = connection.execute(f"select count(*) from {duck}").fetchone()[0]
    spark_rows = connection.execute(f"select count(*) from {spark}").fetchone()[0]
    if duck_rows != spark_rows:
        return MartDifference(table, "row counts differ", duck_rows, spark_rows)
    floats = {name for name, kind in columns if kind.upper() in FLOAT_TYPES}
    # pair the rows: both sides sorted by every column (doubles rounded), then row by row
    order = ", ".join(
        (f"round({_quote(name)}, 6)" if name in floats else _quote(name)) + " nulls first"
        for name, _ in columns)
    numbered = "select *, row_number() over (order by {order}) as _pair from {relation}"
    checks = []
    for name, _ in columns:
        left, right = f"duck_rows.{_quote(name)}", f"spark_rows.{_quote(name)}"
        if name in floats:
            checks.append(
                f"not (({left} is null and {right} is null) or ({left} = {right}) or "
                f"abs({left} - {right}) <= {tolerance} * greatest(1, abs({left})))")
        else:
            checks.append(f"{left} is distinct from {right}")
    differing = connection.execute(
        f"""
        with duck_rows as ({numbered.format(order=order, relation=duck)}),
        spark_rows as ({numbered.format(order=order, relation=spark)}),
        paired as (
            select {", ".join(f"coalesce({check}, true) as {_quote('d_' + name)}"
                              for check, (name, _) in zip(checks, columns, strict=True))},
                   duck_rows._pair
            from duck_rows inner join spark_rows on duck_rows._pair = spark_rows._pair
        )
        select {", ".join(f"count(*) filter (where {_quote('d_' + name)})" for name, _ in columns)}
        from paired
        """).fetchone()
    bad = [name for (name, _), count in zip(columns, differing, strict=True) if count]
    if not bad:
        return None
    condition = " or ".join(f"coalesce({check}, true)"
                            for check, (name, _) in zip(checks, columns, strict=True)
                            if name in bad)
    sample_rows = connection.execute(
        f"""
        with duck_rows as ({numbered.format(order=order, relation=duck)}),
        spark_rows as ({numbered.format(order=order, relation=spark)})
        select {", ".join(f"duck_rows.{_quote(name)}, spark_rows.{_quote(name)}" for name in bad)}
        from duck_rows inner join spark_rows on duck_rows._pair = spark_rows._pair
        where {condition}
        limit 5
        """).fetchall()
    sample = [{name: [row[2 * i], row[2 * i + 1]] for i, name in enumerate(bad)}
              for row in sample_rows]
    rows_bad = max(differing)
    return MartDifference(table, f"values differ in at least {rows_bad:,} rows", duck_rows,
                          spark_rows, bad, sample)


def compare_marts(duckdb_file: Path, spark_warehouse: Path, tolerance: float = 1e-9,
                  prefixes: tuple[str, ...] = MART_PREFIXES) -> Comparison:
    """Every mart of the DuckDB file against the Spark build's table of the same name
    (prefixes=("",): every table, seeds and intermediate models too, to find where a
    difference starts)."""
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute(f"attach '{duckdb_file}' as duck (read_only)")
        marts = duckdb_marts(connection, prefixes)
        spark = spark_tables(spark_warehouse)
        differences = [MartDifference(table, "not built on Spark")
                       for table in marts if table not in spark]
        differences += [MartDifference(table, "a mart on Spark only")
                        for table in sorted(spark) if table.startswith(prefixes)
                        and table not in marts]
        compared = [table for table in marts if table in spark]
        for table in compared:
            difference = compare_table(connection, table, spark[table], tolerance)
            if difference:
                differences.append(difference)
    return Comparison(compared, differences)


def build_both(raw: Path, out: Path, exclude: str | None = None,
               quality: bool = False) -> dict[str, float]:
    """Build raw on DuckDB (in this process) and on Spark (in a child process: one Spark
    session per process); return the seconds each took (dbt build only)."""
    from clearinghouse.build import Gate, build

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    build(db_path=out / "duckdb.duckdb", raw=raw, target_path=out / "duckdb-target", quiet=True,
          exclude=exclude, gate=Gate(quality=quality))
    duck_seconds = time.perf_counter() - started
    command = [sys.executable, "-m", "clearinghouse.engines", "--raw", str(raw), "--out", str(out),
               "--spark-build-only", *(["--quality"] if quality else []),
               "--exclude", exclude or ""]
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True)
    spark_seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"the Spark build failed:\n{finished.stdout[-4000:]}\n"
                           f"{finished.stderr[-4000:]}")
    return {"duckdb": duck_seconds, "spark": spark_seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="build one raw folder on DuckDB and Spark and compare every mart")
    parser.add_argument("--raw", required=True, help="raw exports folder")
    parser.add_argument("--out", required=True, help="folder for both builds")
    parser.add_argument("--compare-only", action="store_true",
                        help="compare the builds already in --out")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    parser.add_argument("--all-tables", action="store_true",
                        help="compare every table (seeds, staging, intermediate), not only marts")
    parser.add_argument("--exclude", default="",
                        help="dbt selection left out of both builds (the dbt unit tests are always"
                             " left out: they read fixtures, not the exports)")
    parser.add_argument("--quality", action="store_true",
                        help="run the raw-export quality checks before each build")
    parser.add_argument("--spark-build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.spark_build_only:
        from clearinghouse.build import Gate, build

        build(db_path=out / "spark", raw=Path(args.raw), target_path=out / "spark-target",
              quiet=True, exclude=args.exclude or None, gate=Gate(quality=args.quality),
              target="spark")
        return 0
    if not args.compare_only:
        seconds = build_both(Path(args.raw), out, args.exclude or None, args.quality)
        print(f"build: duckdb {seconds['duckdb']:.1f}s, spark {seconds['spark']:.1f}s "
              f"({seconds['spark'] / seconds['duckdb']:.1f}x)")
    comparison = compare_marts(out / "duckdb.duckdb", out / "spark", args.tolerance,
                               ("",) if args.all_tables else MART_PREFIXES)
    print(comparison.report())
    return 0 if comparison.equal else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the warehouse: `dbt build` into a fresh DuckDB file, then swap it in atomically.

DuckDB allows one writer or many readers, and a reader blocks a writer; so the build never
touches the served file. It writes `<db>.building-<pid>`, and only when every model and
test passed renames it over `<db>` (os.replace: atomic on one file system). Readers that
hold the old file keep reading it; new connections see the new one.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from clearinghouse.inspection import Inspection, inspect_raw
from clearinghouse.paths import PROJECT_ROOT, planned_path, raw_path, warehouse_path


class BuildError(RuntimeError):
    """The build failed; the served warehouse is unchanged."""


@dataclass
class BuildResult:
    db_path: Path
    seconds: float
    results: list  # dbt node results (name, status)


@contextmanager
def _environment(**values: str):
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def check_raw_folder(raw: Path, fmt: str = "csv") -> Inspection:
    """Inspect the raw exports; stop before dbt runs, naming every missing required table,
    missing required column and unreadable file at once (clearinghouse/inspection.py)."""
    inspection = inspect_raw(raw, prefer=fmt)
    if not inspection.ok:
        raise BuildError(
            f"the raw exports under {raw} cannot be built ({len(inspection.errors)} problem(s)):\n"
            + "\n".join(f"  - {error}" for error in inspection.errors)
            + "\nRun `clearinghouse inspect` for the full report."
        )
    return inspection


def _release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB connection open in a process-wide singleton after the
    invocation; close it so the file is checkpointed (no .wal left) before it is renamed."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _checkpoint(db_path: Path) -> None:
    """Fold any write-ahead log into the file itself, so the file alone is the warehouse."""
    if db_path.with_name(db_path.name + ".wal").exists():
        with duckdb.connect(str(db_path)) as connection:
            connection.execute("checkpoint")


def run_dbt(
    args: list[str],
    db_path: Path,
    raw: Path,
    fmt: str,
    target_path: Path | None = None,
    quiet: bool = False,
    inspection: Inspection | None = None,
) -> list:
    """Run one dbt command against db_path; raise BuildError on failure. target_path
    (compiled SQL, manifest, logs) defaults to the project's target/; give concurrent
    builds their own. The raw folder's inspection (done here unless given) tells dbt which
    files and columns there are (var raw_layout)."""
    from dbt.cli.main import dbtRunner

    inspection = inspection or check_raw_folder(raw, fmt)
    dbt_vars = {"raw_format": fmt, **inspection.dbt_vars()}

    target = Path(target_path) if target_path else PROJECT_ROOT / "target"
    planned = planned_path()
    argv = [
        *(["--quiet"] if quiet else []),
        *args,
        "--project-dir", str(PROJECT_ROOT),
        "--profiles-dir", str(PROJECT_ROOT),
        "--target-path", str(target),
        "--log-path", str(target / "logs"),
        "--vars", json.dumps(dbt_vars),
    ]
    with _environment(
        CLEARINGHOUSE_DB=str(db_path),
        CLEARINGHOUSE_RAW=str(raw),
        CLEARINGHOUSE_PLANNED=str(planned),
    ):
        try:
            result = dbtRunner().invoke(argv)
        finally:
            _release_duckdb()
    if not result.success:
        failed = []
        if result.result is not None and hasattr(result.result, "results"):
            failed = [
                f"{r.node.name}: {r.message}"
                for r in result.result.results
                if str(r.status) in ("error", "fail")
            ]
        detail = "; ".join(failed) if failed else str(result.exception)
        raise BuildError(f"dbt {' '.join(args)} failed: {detail}")
    return list(getattr(result.result, "results", []) or [])


def build(
    db_path: Path | None = None,
    raw: Path | None = None,
    fmt: str = "csv",
    select: str | None = None,
    target_path: Path | None = None,
    quiet: bool = False,
) -> BuildResult:
    """`dbt build` into a fresh file and atomically swap it over db_path."""
    db_path = Path(db_path) if db_path else warehouse_path()
    raw = Path(raw).resolve() if raw else raw_path()
    inspection = check_raw_folder(raw, fmt)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = db_path.with_name(f"{db_path.name}.building-{os.getpid()}")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    args = ["build"] + (["--select", select] if select else [])
    try:
        results = run_dbt(args, fresh, raw, fmt, target_path, quiet, inspection)
    except BaseException:
        fresh.unlink(missing_ok=True)
        fresh.with_name(fresh.name + ".wal").unlink(missing_ok=True)
        raise
    _checkpoint(fresh)
    os.replace(fresh, db_path)
    return BuildResult(db_path, time.perf_counter() - started, results)

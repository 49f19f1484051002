"""Build the warehouse: `dbt build` into a fresh DuckDB file, then swap it in atomically.

DuckDB allows one writer or many readers, and a reader blocks a writer; so the build never
touches the served file. It writes `<db>.building`, and only when every model and test
passed renames it over `<db>` (os.replace: atomic on one file system). Readers that hold the
old file keep reading it; new connections see the new one. One build of a warehouse runs at
a time (`<db>.build.lock`, held while it builds): a second is refused, never raced. The
fresh file's name is the same for every build, and the raw files' row counts reach dbt
through the environment rather than its vars, so dbt's parse of the last build is reused
(partial parsing) when only the exports' contents changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from clearinghouse.contract import load_contract
from clearinghouse.inspection import Inspection, inspect_raw
from clearinghouse.paths import (
    PROJECT_ROOT,
    planned_path,
    raw_path,
    spark_warehouse_path,
    warehouse_path,
)

# profiles.yml targets: `dev` (DuckDB, the served warehouse) and `spark` (dbt-spark session,
# PySpark local mode; docs/scaling-out.md)
TARGETS = ("dev", "spark")


class BuildError(RuntimeError):
    """The build failed; the served warehouse is unchanged."""


@dataclass
class BuildResult:
    db_path: Path
    seconds: float
    results: list  # dbt node results (name, status)
    warnings: list[str] = field(default_factory=list)  # rows rejected, unknown values
    mode: str = "full"  # "incremental", or "full" with why when an incremental one was asked
    checks: str = "before"  # the quality checks: "before" dbt's build, "beside" it, "skipped"


def load_warnings(db_path: Path) -> list[str]:
    """What a person should know about the load: per raw file, rows rejected or excluded
    and enumeration values loaded as 'unknown' (from rpt_load_reconciliation)."""
    try:
        with duckdb.connect(str(db_path), read_only=True) as connection:
            rows = connection.execute(
                "select source_system, source_table, rows_rejected, rows_excluded, "
                "unknown_enum_values from rpt_load_reconciliation "
                "where rows_rejected + rows_excluded + unknown_enum_values > 0 order by 1, 2"
            ).fetchall()
    except duckdb.Error:
        return []
    warnings = []
    for system, table, rejected, excluded, unknown in rows:
        parts = [f"{rejected:,} rejected" if rejected else "",
                 f"{excluded:,} excluded by rule" if excluded else "",
                 f"{unknown:,} unknown enumeration values loaded as 'unknown'" if unknown else ""]
        warnings.append(f"{system}/{table}: " + ", ".join(p for p in parts if p)
                        + " (see audit_rejected_rows, rpt_load_reconciliation)")
    return warnings


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
    target: str = "dev",
    extra_vars: dict | None = None,
    callbacks: list[Callable] | None = None,
) -> list:
    """Run one dbt command against db_path; raise BuildError on failure. target_path
    (compiled SQL, manifest, logs) defaults to the project's target/; give concurrent
    builds their own. The raw folder's inspection (done here unless given) tells dbt which
    files and columns there are (var raw_layout). target: the profiles.yml target; on
    `spark`, db_path is the Spark warehouse directory. extra_vars: more dbt vars (an
    incremental build's previous_warehouse). callbacks: dbtRunner's, called with each of dbt's
    events."""
    from dbt.cli.main import dbtRunner

    inspection = inspection or check_raw_folder(raw, fmt)
    dbt_vars = {"raw_format": fmt, **inspection.dbt_vars(), **(extra_vars or {})}

    artifacts = Path(target_path) if target_path else PROJECT_ROOT / "target"
    planned = planned_path()
    argv = [
        *(["--quiet"] if quiet else []),
        *args,
        "--project-dir", str(PROJECT_ROOT),
        "--profiles-dir", str(PROJECT_ROOT),
        "--target-path", str(artifacts),
        "--log-path", str(artifacts / "logs"),
        "--vars", json.dumps(dbt_vars),
        "--target", target,
    ]
    location = ({"CLEARINGHOUSE_SPARK_WAREHOUSE": str(db_path)} if target == "spark"
                else {"CLEARINGHOUSE_DB": str(db_path)})
    with _environment(
        **location,
        CLEARINGHOUSE_RAW=str(raw),
        # the rows of each raw file (rpt_load_reconciliation): from the environment, not a var,
        # so new rows in the same files keep dbt's previous parse (partial parsing)
        CLEARINGHOUSE_RAW_ROWS=json.dumps(inspection.row_counts(), sort_keys=True),
        CLEARINGHOUSE_PLANNED=str(planned),
        # DuckDB's threads per query (profiles.yml): every core unless set
        CLEARINGHOUSE_THREADS=os.environ.get("CLEARINGHOUSE_THREADS") or str(os.cpu_count() or 1),
        # dbt's log file (<target>/logs/dbt.log) at info unless set: at debug it holds every
        # query's SQL (3 MB per build), which cost about 1.3 s of a demo build's 27 s; the
        # compiled SQL of every node is in <target>/run either way
        DBT_LOG_LEVEL_FILE=os.environ.get("DBT_LOG_LEVEL_FILE") or "info",
    ):
        try:
            result = dbtRunner(callbacks=callbacks).invoke(argv)
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


@dataclass
class Gate:
    """When a build may replace the served warehouse (DESIGN.md, the build gate)."""

    max_shrink: float = 0.20  # a core mart may lose at most this share of its rows
    max_rejected_share: float = 0.05  # a raw file may have at most this share rejected
    accept_shrink: bool = False  # accept shrunk core marts and empty core files
    accept_rejects: bool = False  # accept rejected shares above the threshold
    quality: bool = True  # run the raw-export quality checks; their errors stop the build


CORE_MARTS = ("dim_accounts", "dim_contacts", "fct_communications")


class GateError(BuildError):
    """The new warehouse was built but not served: it differs from the served one by more
    than the gate allows. The message says what changed and how to accept it."""


def quality_beside_build() -> bool:
    """Whether the raw-export quality checks run beside dbt's build rather than before it.
    Beside, they cost no time of their own (at small scale they took 13-17 s before dbt could
    start); if they fail, dbt is stopped and nothing is served, as before. They run before it
    when a memory limit is set (CLEARINGHOUSE_MEMORY_LIMIT): the checks' process (up to 2.6 GiB
    at medium scale) would add to dbt's memory. And only in the main thread: a failing check
    stops dbt the way Ctrl-C does, with a signal to it (_StopOnFailedChecks)."""
    return (not os.environ.get("CLEARINGHOUSE_MEMORY_LIMIT")
            and threading.current_thread() is threading.main_thread())


class _StopOnFailedChecks:
    """While the main thread runs dbt's build beside the quality checks: when the checks'
    report comes in with errors, interrupt the main thread as Ctrl-C would (SIGINT to it,
    handled by raising _checks_failed_interrupt()): dbt cancels its running queries, stops
    scheduling models and returns the interruption as a failure. Armed by dbt's first NodeStart
    event (its `callback`), so dbt is interrupted while it runs models, where it handles Ctrl-C
    cleanly, not while it parses the project; a report that came in earlier stops dbt at its
    first model. Any other SIGINT (Ctrl-C) does what it did before. Once the `with` block is
    left, nothing is interrupted and the previous handler is back."""

    def __init__(self, checked):
        self.checked = checked
        self.fired = False  # the main thread was interrupted because the checks failed
        self._lock = threading.Lock()
        self._open = self._armed = self._failed = False
        self._main = threading.main_thread().ident

    def _fire(self) -> None:  # under the lock
        if self._open and self._armed and self._failed:
            self._open, self.fired = False, True
            signal.pthread_kill(self._main, signal.SIGINT)

    def _on_report(self, checked) -> None:  # in the executor's thread, or at once if done
        if checked.cancelled() or checked.exception() is not None or not checked.result().errors:
            return
        with self._lock:
            self._failed = True
            self._fire()

    def callback(self, event) -> None:  # dbt's events, from any of its threads
        if not self._armed and event.info.name == "NodeStart":
            with self._lock:
                self._armed = True
                self._fire()

    def _on_sigint(self, signum, frame):
        if self.fired:
            raise _checks_failed_interrupt()
        if callable(self._previous):  # another SIGINT: what it did before
            return self._previous(signum, frame)
        if self._previous != signal.SIG_IGN:  # ignored (a background job): still ignored
            raise KeyboardInterrupt
        return None

    def __enter__(self):
        self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        self._open = True
        self.checked.add_done_callback(self._on_report)
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._open = False
        signal.signal(signal.SIGINT, self._previous)
        return False


def _checks_failed_interrupt() -> KeyboardInterrupt:
    """The interruption of dbt when the quality checks failed: a KeyboardInterrupt (dbt
    cancels its queries and stops, as on Ctrl-C) that is also one of dbt's own errors, which
    dbt reports in one line rather than with a stack trace."""
    from dbt_common.exceptions import DbtRuntimeError

    class ChecksFailed(KeyboardInterrupt, DbtRuntimeError):
        pass

    return ChecksFailed("the raw exports failed their quality checks: the build was stopped")


def _quality_in_child(inspection: Inspection, raw: Path, fmt: str,
                      meanwhile: Callable[..., object] | None = None, stop_meanwhile: bool = False):
    """The raw-export quality checks (clearinghouse.quality.check_raw, given the build's
    inspection of raw rather than inspecting the files again), in a child process:
    Great Expectations validates pandas frames (a process running the checks alone peaks at
    2.6 GiB at medium scale), and memory a process has freed is not always returned to the
    system, so in the build's process it would add to dbt's peak. `meanwhile` runs in this
    process while the checks do; what it raises is raised after the checks' report is in
    (returned with it), so a caller can put the report's errors first. stop_meanwhile: a report
    with errors interrupts `meanwhile` (dbt's build; main thread only, _StopOnFailedChecks).
    Returns (report, what meanwhile raised or None, what it returned, whether it was stopped)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from clearinghouse.quality import check_raw

    context = multiprocessing.get_context("spawn")
    failure: BaseException | None = None
    value, stopped = None, False
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        checked = pool.submit(check_raw, raw, fmt=fmt, inspection=inspection)
        if meanwhile is not None:
            stopper = _StopOnFailedChecks(checked)
            try:
                if stop_meanwhile:
                    with stopper:
                        value = meanwhile(stopper.callback)
                else:
                    value = meanwhile()
            except BaseException as error:  # noqa: BLE001 - re-raised by the caller
                if not stopper.fired:  # our own interruption is the report's errors, below
                    if not isinstance(error, Exception):
                        raise  # Ctrl-C, exit
                    failure = error
            stopped = stopper.fired
        return checked.result(), failure, value, stopped


def _pre_build_gate(inspection: Inspection, raw: Path, fmt: str, gate: Gate,
                    meanwhile: Callable[..., object] | None = None, beside: bool = False):
    """The build gate on the raw exports: empty core exports, then the raw-export quality
    checks. `meanwhile` runs while the checks do (dbt's parse of the project; with `beside`,
    dbt's whole build, given a dbt event callback and stopped if the checks fail); if it
    fails, its error is raised after the gate's own. Nothing runs beside the checks when a
    core export is empty. Returns what `meanwhile` returned."""
    problems = []
    if not gate.accept_shrink:
        contract = load_contract()
        for report in inspection.tables.values():
            table = contract[report.system].tables[report.table]
            if table.core and report.found and not report.error and report.rows == 0:
                problems.append(f"{report.path} has no rows (header only): an empty core export "
                                "is never served (accept with --accept-shrink)")
    failure, value, stopped = None, None, False
    if problems:  # nothing runs beside the checks
        meanwhile = None
    if gate.quality:
        report, failure, value, stopped = _quality_in_child(
            inspection, raw, fmt, meanwhile, stop_meanwhile=beside)
        problems += [f"quality: {key}: {check.message} (`clearinghouse quality` for the report; "
                     "--skip-quality to build anyway)" for key, check in report.errors]
    elif meanwhile is not None:
        value = meanwhile()
    if problems:
        if not beside or meanwhile is None:
            outcome = "nothing was built"
        elif stopped:
            outcome = "dbt's build, which ran beside the checks, was stopped; nothing was served"
        else:
            outcome = "nothing was served"
        raise GateError(f"the raw exports did not pass the build gate, {outcome}:\n"
                        + "\n".join(f"  - {problem}" for problem in problems))
    if failure is not None:
        raise failure
    return value


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int | None:
    try:
        return connection.execute(f"select count(*) from {table}").fetchone()[0]
    except duckdb.Error:
        return None


def _post_build_gate(fresh: Path, served: Path, gate: Gate) -> None:
    """Before the swap: core marts that shrank, raw files with too many rejected rows."""
    problems = []
    with duckdb.connect(str(fresh), read_only=True) as new:
        if not gate.accept_rejects:
            rows = new.execute(
                "select source_system, source_table, rows_rejected, rows_in_file, rejected_share "
                "from rpt_load_reconciliation where rejected_share > ? order by 1, 2",
                [gate.max_rejected_share]).fetchall()
            problems += [
                f"{system}/{table}: {rejected:,} of {total:,} rows rejected ({share:.1%} > "
                f"{gate.max_rejected_share:.0%}; reasons in audit_rejected_rows; accept with "
                "--accept-rejects)"
                for system, table, rejected, total, share in rows]
        if served.exists() and not gate.accept_shrink:
            with duckdb.connect(str(served), read_only=True) as old:
                for mart in CORE_MARTS:
                    before, after = _count(old, mart), _count(new, mart)
                    if before and after is not None and after < (1 - gate.max_shrink) * before:
                        problems.append(
                            f"{mart}: {before:,} rows served, {after:,} in the new build "
                            f"({1 - after / before:.0%} fewer, more than {gate.max_shrink:.0%}; "
                            "accept with --accept-shrink)")
    if problems:
        raise GateError(f"the new warehouse was built but not served; {served} is unchanged:\n"
                        + "\n".join(f"  - {problem}" for problem in problems))


# Incremental builds (docs/incremental.md): what the served warehouse was built by
BUILD_INFO = "clearinghouse_build.info"
# what a build's tables depend on besides the exports: the dbt project and this package
FINGERPRINTED = ("models", "macros", "seeds", "data-tests", "dbt_project.yml", "profiles.yml",
                 "clearinghouse")


def project_fingerprint() -> str:
    """A hash of everything besides the exports that a build's tables depend on: the dbt
    project's files, this package's code, and the dbt, dbt-duckdb and DuckDB versions. An
    incremental build reuses the served warehouse's tables only when it was built by the
    same (a changed model or seed could change any row)."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        root = PROJECT_ROOT / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"{package}={version(package)}\0".encode())
    return digest.hexdigest()


def _record_build(fresh: Path, fingerprint: str, mode: str) -> None:
    """What built this warehouse (read by the next incremental build)."""
    schema = BUILD_INFO.split(".")[0]
    with duckdb.connect(str(fresh)) as connection:
        connection.execute(f"create schema if not exists {schema}")
        connection.execute(f"create or replace table {BUILD_INFO} as select ? as "
                           "project_fingerprint, ? as mode, now() as built_at",
                           [fingerprint, mode])


def _why_not_incremental(served: Path, fingerprint: str) -> str | None:
    """Why an incremental build cannot reuse the served warehouse (None when it can)."""
    if not served.exists():
        return f"no served warehouse at {served}"
    try:
        with duckdb.connect(str(served), read_only=True) as connection:
            row = connection.execute(f"select project_fingerprint from {BUILD_INFO}").fetchone()
    except duckdb.Error:
        return f"{served} does not say what built it (built by an older version, or partly)"
    if not row or row[0] != fingerprint:
        return f"the project or its code changed since {served} was built"
    return None


def differing_tables(expected: Path, actual: Path) -> dict[str, tuple[int, int]]:
    """The tables of schema main that differ between two warehouses, as multisets of rows:
    per table, (rows only in expected, rows only in actual); (-1, -1) for a table only one
    of them has. An incremental build must give none against a full build of the same
    exports (tests/test_incremental.py, benchmarks/bench.py)."""
    differing = {}
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        connection.execute(f"attach '{expected}' as expected (read_only)")
        connection.execute(f"attach '{actual}' as actual (read_only)")
        names = {alias: {name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where database_name = ? "
            "and schema_name = 'main'", [alias]).fetchall()} for alias in ("expected", "actual")}
        for table in sorted(names["expected"] | names["actual"]):
            if table not in names["actual"] or table not in names["expected"]:
                differing[table] = (-1, -1)
                continue
            only = [connection.execute(
                f"select count(*) from (select * from {a}.main.{table} except all "
                f"select * from {b}.main.{table})").fetchone()[0]
                for a, b in (("expected", "actual"), ("actual", "expected"))]
            if any(only):
                differing[table] = tuple(only)
    return differing


UNIT_TESTS = "test_type:unit"


def _build_args(select: str | None, exclude: str | None, unit_tests: bool = False) -> list[str]:
    """`dbt build` with an optional selection (a partial build runs only the tests whose
    parents are all selected) and exclusion. The dbt unit tests run only when asked: they
    read fixtures, not the exports, so they check the project, not the data (dbt's advice:
    run them in development and CI, not in every production build); `make test` runs them."""
    args = ["build"] + (["--select", select, "--indirect-selection", "cautious"] if select else [])
    excluded = " ".join(part for part in (exclude, None if unit_tests else UNIT_TESTS) if part)
    return args + (["--exclude", excluded] if excluded else [])


def build(
    db_path: Path | None = None,
    raw: Path | None = None,
    fmt: str = "csv",
    select: str | None = None,
    target_path: Path | None = None,
    quiet: bool = False,
    gate: Gate | None = None,
    exclude: str | None = None,
    target: str = "dev",
    unit_tests: bool = False,
    incremental: bool = False,
) -> BuildResult:
    """Inspect the raw exports, `dbt build` into a fresh file, pass the build gate, and
    atomically swap the file over db_path. Any failure leaves db_path as it was.
    incremental: the incremental models copy from the served warehouse what has not changed
    (docs/incremental.md); when it was built by another version of the project, or there is
    none, the build is a full one and BuildResult.mode says why.
    exclude: a dbt selection left out (e.g. "test_type:data" for a build without the data
    tests). unit_tests: also run the dbt unit tests (off by default: they check the project,
    not the exports). target: a profiles.yml target; `spark` builds with Spark instead
    (build_spark)."""
    if target not in TARGETS:
        raise BuildError(f"unknown target {target!r}: one of {', '.join(TARGETS)}")
    if target == "spark":
        if incremental:
            raise BuildError("incremental builds are DuckDB's only (docs/incremental.md)")
        return build_spark(db_path, raw, fmt, select, target_path, quiet, gate, exclude,
                           unit_tests)
    gate = gate or Gate()
    db_path = Path(db_path) if db_path else warehouse_path()
    raw = Path(raw).resolve() if raw else raw_path()
    inspection = check_raw_folder(raw, fmt)
    whole = select is None and exclude is None  # every model: the next build may reuse it
    fingerprint = project_fingerprint()
    mode, extra_vars = "full", {}
    if incremental:
        why = (_why_not_incremental(db_path, fingerprint) if whole
               else "a partial build (--select, exclude) is never incremental")
        if why:
            mode = f"full: {why}"
        else:
            mode, extra_vars = "incremental", {"previous_warehouse": str(db_path.resolve())}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = db_path.with_name(f"{db_path.name}.building")
    with _build_lock(db_path):
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        started = time.perf_counter()
        checks = ("skipped" if not gate.quality
                  else "beside" if quality_beside_build() else "before")
        try:
            def dbt_build(callback=None):
                return run_dbt(_build_args(select, exclude, unit_tests), fresh, raw, fmt,
                               target_path, quiet, inspection, extra_vars=extra_vars,
                               callbacks=[callback] if callback else None)

            if checks == "beside":
                results = _pre_build_gate(inspection, raw, fmt, gate, meanwhile=dbt_build,
                                          beside=True)
            else:
                # dbt parses the project while the checks run (nothing is built before they
                # pass); the build then reuses that parse: same vars, profile and target path
                # (and so does the next build, when the project and the exports' layout are
                # the same)
                _pre_build_gate(inspection, raw, fmt, gate, meanwhile=lambda: run_dbt(
                    ["parse"], fresh, raw, fmt, target_path, quiet, inspection,
                    extra_vars=extra_vars))
                results = dbt_build()
            if whole:
                _record_build(fresh, fingerprint, mode)
            _checkpoint(fresh)
            if not select:
                _post_build_gate(fresh, db_path, gate)
        except BaseException:
            fresh.unlink(missing_ok=True)
            fresh.with_name(fresh.name + ".wal").unlink(missing_ok=True)
            raise
        os.replace(fresh, db_path)
    return BuildResult(db_path, time.perf_counter() - started, results, load_warnings(db_path),
                       mode, checks)


@contextmanager
def _build_lock(db_path: Path):
    """Hold `<db>.build.lock` while building db_path: one build of a warehouse at a time.
    A second build is refused at once, naming the lock, rather than racing the first to the
    swap. The lock is the operating system's (flock): it is released when the build ends or
    its process dies, so a crashed build never leaves it held."""
    lock_path = db_path.with_name(db_path.name + ".build.lock")
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of {db_path} is running (it holds {lock_path}); "
                             "wait for it to finish, or build into another --db") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _spark_session_warehouse() -> str | None:
    """The warehouse directory of this process's Spark session, if one is running."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise BuildError("the spark target needs dbt-spark[session] and pyspark "
                         "(pip install 'dbt-spark[session]~=1.11.0' pyspark)") from error
    session = SparkSession.getActiveSession()
    return session.conf.get("spark.sql.warehouse.dir") if session else None


def build_spark(
    warehouse_dir: Path | None = None,
    raw: Path | None = None,
    fmt: str = "csv",
    select: str | None = None,
    target_path: Path | None = None,
    quiet: bool = False,
    gate: Gate | None = None,
    exclude: str | None = None,
    unit_tests: bool = False,
) -> BuildResult:
    """`dbt build --target spark`: the same models, tests and raw contract on Spark (PySpark
    local mode in this process, profiles.yml). Tables are written as Parquet under
    warehouse_dir/clearinghouse.db/<table>/ (emptied first: the session's catalog lives in
    memory, so every build starts fresh). The raw-export checks before dbt are the same as
    DuckDB's; there is no served file to swap or compare against (the app reads DuckDB).
    A process runs one Spark session: a second build in it must use the same directory."""
    import shutil

    gate = gate or Gate()
    warehouse_dir = Path(warehouse_dir).resolve() if warehouse_dir else spark_warehouse_path()
    raw = Path(raw).resolve() if raw else raw_path()
    running = _spark_session_warehouse()
    if running and Path(running.removeprefix("file:")).resolve() != warehouse_dir:
        raise BuildError(f"this process's Spark session writes to {running}; build into it "
                         "or in a new process")
    inspection = check_raw_folder(raw, fmt)
    _pre_build_gate(inspection, raw, fmt, gate)
    if warehouse_dir.exists() and not running:
        shutil.rmtree(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = run_dbt(_build_args(select, exclude, unit_tests), warehouse_dir, raw, fmt,
                      target_path, quiet, inspection, target="spark")
    return BuildResult(warehouse_dir, time.perf_counter() - started, results)

"""The build: survives schema drift and deletions, swaps atomically, fails loudly and safely."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from clearinghouse.build import BuildError, Gate, GateError, _post_build_gate, build, run_dbt
from clearinghouse.synth import generate

# one contact-like table per system: file -> (id column, deleted-flag column, which rows)
DRIFTED = {
    "salesforce/contact.csv": ("id", "is_deleted", "true"),
    "hubspot/contact.csv": ("id", "_fivetran_deleted", "true"),
    "zendesk/user.csv": ("id", "_fivetran_deleted", "role = 'end-user'"),
    "stripe/customer.csv": ("id", "is_deleted", "true"),
}


def _rewrite(path: Path, select_sql: str) -> None:
    with duckdb.connect() as connection:
        connection.execute(
            f"copy ({select_sql.format(src=f'read_csv({str(path)!r}, all_varchar = true)')}) "
            f"to '{path}.tmp' (header, quote '\"', force_quote *)"
        )
    Path(f"{path}.tmp").replace(path)


def _drift(raw: Path) -> dict[str, str]:
    """Add an unknown column and a null-only column to one table per system, null out a
    column we read, and flag one live record deleted; return the deleted record keys."""
    deleted = {}
    for name, (id_column, flag, rows) in DRIFTED.items():
        path = raw / name
        with duckdb.connect() as connection:
            victim = connection.execute(
                f"select {id_column} from read_csv(?, all_varchar = true) "
                f"where lower(coalesce({flag}, 'false')) in ('false', 'f', '0') and {rows} "
                f"order by {id_column} limit 1",
                [str(path)],
            ).fetchone()[0]
        system, table = name.removesuffix(".csv").split("/")
        deleted[f"{system}:{table}:{victim}"] = victim
        _rewrite(
            path,
            f"select * replace (case when {id_column} = '{victim}' then 'TRUE' else {flag} end "
            f"as {flag}), 'surprise' as brand_new_connector_column, "
            f"cast(null as varchar) as always_null_column from {{src}}",
        )
    # a column we read (title) arrives empty everywhere
    _rewrite(raw / "salesforce/contact.csv", "select * replace (null as title) from {src}")
    return deleted


def test_build_survives_drift_and_swaps_atomically(demo_warehouse, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_warehouse.raw, raw)
    deleted = _drift(raw)

    served = tmp_path / "served.duckdb"
    shutil.copy(demo_warehouse.db, served)
    reader = duckdb.connect(str(served), read_only=True)  # the dashboard, mid-read
    before = reader.execute("select count(*) from dim_contacts").fetchone()[0]

    build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True)

    # the open reader still sees the file it opened
    assert reader.execute("select count(*) from dim_contacts").fetchone()[0] == before
    reader.close()
    with duckdb.connect(str(served), read_only=True) as fresh:
        keys = list(deleted)
        rows = fresh.execute(
            "select record_key, is_deleted from map_contact_records where record_key = any(?)",
            [keys],
        ).fetchall()
        assert sorted(rows) == sorted((key, True) for key in keys), "deleted records stay mapped"
        assert fresh.execute("select count(*) from dim_contacts where title is not null"
                             ).fetchone()[0] > 0, "HubSpot titles fill in for the empty CRM column"
        assert fresh.execute("select count(*) from fct_communications").fetchone()[0] > 0
    assert not list(tmp_path.glob("served.duckdb.building*")), "no temporary file left behind"


def test_missing_raw_table_fails_clearly_and_keeps_served_file(demo_warehouse, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_warehouse.raw, raw)
    (raw / "zendesk" / "ticket_comment.csv").unlink()
    served = tmp_path / "served.duckdb"
    shutil.copy(demo_warehouse.db, served)
    before = served.read_bytes()
    with pytest.raises(BuildError, match="zendesk/ticket_comment.csv"):
        build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True)
    assert served.read_bytes() == before


def test_failed_dbt_build_keeps_served_file(demo_warehouse, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_warehouse.raw, raw)
    # a truncated export: an unterminated quote and most columns missing
    (raw / "stripe" / "price.csv").write_text('"id","unit_amount"\n"price_1","oops\n')
    served = tmp_path / "served.duckdb"
    shutil.copy(demo_warehouse.db, served)
    before = served.read_bytes()
    with pytest.raises(BuildError):
        build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True)
    assert served.read_bytes() == before
    assert not list(tmp_path.glob("served.duckdb.building*"))


def test_parquet_exports_build_the_same_warehouse(demo_warehouse, tmp_path):
    raw = tmp_path / "raw"
    generate(out=raw, truth=tmp_path / "truth", scale="demo", seed=7, fmt="parquet",
             progress=False)
    db = tmp_path / "parquet.duckdb"
    build(db_path=db, raw=raw, fmt="parquet", target_path=tmp_path / "target", quiet=True,
          gate=Gate(quality=False))  # Parquet quality: test_quality
    tables = ["dim_accounts", "dim_contacts", "fct_communications", "fct_cadence_violations"]
    with duckdb.connect(str(db), read_only=True) as connection:
        parquet_counts = [connection.execute(f"select count(*) from {t}").fetchone()[0]
                          for t in tables]
    csv_counts = [demo_warehouse.query(f"select count(*) from {t}")[0][0] for t in tables]
    assert parquet_counts == csv_counts


# ------------------------------------------------------------------- the build gate
def _mart_file(path: Path, counts: dict[str, int], rejected_share: float = 0.0) -> Path:
    """A stand-in warehouse: the core marts with `counts` rows and one reconciliation row."""
    with duckdb.connect(str(path)) as connection:
        for table, rows in counts.items():
            connection.execute(f"create table {table} as select range as id from range({rows})")
        connection.execute(
            "create table rpt_load_reconciliation as select 'zendesk' as source_system, "
            "'ticket_comment' as source_table, 100 as rows_in_file, "
            f"{int(rejected_share * 100)} as rows_rejected, {rejected_share} as rejected_share")
    return path


CORE = {"dim_accounts": 100, "dim_contacts": 1000, "fct_communications": 10_000}


def test_gate_stops_core_marts_that_shrink(tmp_path):
    served = _mart_file(tmp_path / "served.duckdb", CORE)
    shrunk = _mart_file(tmp_path / "new.duckdb", {**CORE, "fct_communications": 7_999})
    with pytest.raises(GateError) as raised:
        _post_build_gate(shrunk, served, Gate())
    message = str(raised.value)
    assert "fct_communications: 10,000 rows served, 7,999 in the new build (20% fewer" in message
    assert "dim_contacts" not in message and "--accept-shrink" in message
    _post_build_gate(shrunk, served, Gate(accept_shrink=True))
    _post_build_gate(shrunk, served, Gate(max_shrink=0.25))
    within = _mart_file(tmp_path / "within.duckdb", {**CORE, "fct_communications": 8_000})
    _post_build_gate(within, served, Gate())
    _post_build_gate(shrunk, tmp_path / "nothing-served-yet.duckdb", Gate())


def test_gate_stops_a_high_rejected_share(tmp_path):
    served = _mart_file(tmp_path / "served.duckdb", CORE)
    rejecting = _mart_file(tmp_path / "new.duckdb", CORE, rejected_share=0.06)
    with pytest.raises(GateError, match=r"zendesk/ticket_comment: 6 of 100 rows rejected \(6.0%"):
        _post_build_gate(rejecting, served, Gate())
    _post_build_gate(rejecting, served, Gate(accept_rejects=True))
    _post_build_gate(rejecting, served, Gate(max_rejected_share=0.10))


def test_gate_keeps_the_served_file_when_a_build_shrinks(demo_warehouse, tmp_path):
    """End to end: exports cut to five rows a table build fine, but are not served over the
    demo warehouse until accepted."""
    raw = tmp_path / "raw"
    for path in demo_warehouse.raw.rglob("*.csv"):
        out = raw / path.relative_to(demo_warehouse.raw)
        out.parent.mkdir(parents=True, exist_ok=True)
        with path.open(newline="") as handle, out.open("w", newline="") as sink:
            csv.writer(sink).writerows(row for _, row in zip(range(6), csv.reader(handle),
                                                             strict=False))
    served = tmp_path / "served.duckdb"
    shutil.copy(demo_warehouse.db, served)
    before = served.read_bytes()
    with pytest.raises(GateError) as raised:
        build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True,
              gate=Gate(quality=False))
    for mart in ("dim_accounts", "dim_contacts", "fct_communications"):
        assert f"{mart}: " in str(raised.value)
    assert served.read_bytes() == before
    assert not list(tmp_path.glob("served.duckdb.building*"))


def test_engine_resources_come_from_the_environment(demo_warehouse, tmp_path, monkeypatch):
    """DuckDB's memory limit, threads and spill folder are what the environment says
    (`clearinghouse build --memory-limit --threads --temp-directory` set it), read back
    from the engine dbt opens; unset, DuckDB gets every core and spills next to the file."""
    show = ["show", "--inline", "select current_setting('memory_limit') as memory, "
            "current_setting('threads') as threads, current_setting('temp_directory') as spill"]

    def settings(db):
        (result,) = run_dbt(show, db, demo_warehouse.raw, "csv", tmp_path / "target", True)
        return tuple(result.agate_table.rows[0].values())

    for name in ("CLEARINGHOUSE_MEMORY_LIMIT", "CLEARINGHOUSE_THREADS",
                 "CLEARINGHOUSE_TEMP_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "w.duckdb"
    memory, threads, spill = settings(db)
    assert threads == os.cpu_count() and spill == f"{db}.tmp"
    monkeypatch.setenv("CLEARINGHOUSE_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("CLEARINGHOUSE_THREADS", "1")
    monkeypatch.setenv("CLEARINGHOUSE_TEMP_DIRECTORY", str(tmp_path / "spill"))
    assert settings(db) == ("953.6 MiB", 1, str(tmp_path / "spill"))  # 1 GB = 10^9 bytes


def test_unit_tests_run_only_when_asked(demo_warehouse, small_warehouse):
    """`clearinghouse build` leaves the dbt unit tests out (they read fixtures, not the
    exports); the demo build of `make test` asks for them (unit_tests=True) and runs every
    one the project declares, and each passes."""
    root = Path(__file__).resolve().parent.parent
    declared = sum(len(yaml.safe_load(path.read_text()).get("unit_tests") or [])
                   for path in (root / "models").rglob("*.yml"))

    def unit_tests_run(warehouse) -> dict[str, str]:
        results = json.loads((warehouse.db.parent / "target" / "run_results.json").read_text())
        return {result["unique_id"]: result["status"] for result in results["results"]
                if result["unique_id"].startswith("unit_test.")}

    ran = unit_tests_run(demo_warehouse)
    assert declared > 40 and len(ran) == declared
    assert set(ran.values()) == {"pass"}
    assert unit_tests_run(small_warehouse) == {}


def test_new_rows_in_the_same_exports_reuse_dbt_s_parse(demo_warehouse, tmp_path, monkeypatch):
    """The next day's exports (more rows, same files and layout) keep dbt's parse of the
    project: only the model holding the row counts is parsed again (dbt's partial parsing;
    a full parse of the project costs seconds at every build), and that model's compiled SQL
    has the new counts, so rpt_load_reconciliation still balances."""
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")  # the log says which parse it did
    raw = tmp_path / "raw"
    shutil.copytree(demo_warehouse.raw, raw)
    db, target = tmp_path / "w.duckdb", tmp_path / "target"
    log, perf = target / "logs" / "dbt.log", target / "perf_info.json"

    def parse():
        before = log.stat().st_size if log.exists() else 0
        run_dbt(["parse"], db, raw, "csv", target, quiet=True)
        return log.read_text()[before:], json.loads(perf.read_text())

    first, _ = parse()
    assert "Starting full parse" in first
    comments = raw / "zendesk" / "ticket_comment.csv"
    lines = comments.read_text().splitlines(keepends=True)
    comments.write_text("".join(lines) + lines[-1])  # one row more
    second, info = parse()
    assert "Unable to do partial parsing" not in second and "full parse" not in second
    # the model and its properties file, of ~370 files (a full parse reads every one)
    assert info["is_partial_parse_enabled"] and info["parsed_path_count"] <= 2, info

    run_dbt(["compile", "--select", "rpt_load_reconciliation"], db, raw, "csv", target,
            quiet=True)
    compiled = next((target / "compiled").rglob("rpt_load_reconciliation.sql")).read_text()
    assert f"'ticket_comment', '{comments}', {len(lines)})" in compiled  # header + 1 = rows


def test_a_second_build_of_the_same_warehouse_is_refused(demo_warehouse, tmp_path):
    """While a build of a warehouse runs (it holds `<db>.build.lock`), another build of the
    same file stops at once, naming the lock, and leaves the served file as it was; the
    lock is the operating system's, so it is free again as soon as its holder lets go."""
    import fcntl

    served = tmp_path / "served.duckdb"
    shutil.copy(demo_warehouse.db, served)
    before = served.read_bytes()
    with (tmp_path / "served.duckdb.build.lock").open("a") as running:
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first build
        with pytest.raises(BuildError, match=r"another build of .*served.duckdb is running"):
            build(db_path=served, raw=demo_warehouse.raw, target_path=tmp_path / "target",
                  quiet=True)
        fcntl.flock(running, fcntl.LOCK_UN)
    assert served.read_bytes() == before
    assert not list(tmp_path.glob("served.duckdb.building*"))
    with (tmp_path / "served.duckdb.build.lock").open("a") as free:
        fcntl.flock(free, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: no error


def _garble_invoice_timestamps(raw: Path) -> None:
    """5% of Stripe invoices created 'yesterday': the quality checks' timestamp check fails."""
    _rewrite(raw / "stripe" / "invoice.csv",
             "select * replace (case when row_number() over () % 20 = 0 then 'yesterday' "
             "else created end as created) from {src}")


def _quality_failure(demo_warehouse, tmp_path: Path) -> tuple[GateError, Path, bytes]:
    raw = tmp_path / "raw"
    shutil.copytree(demo_warehouse.raw, raw)
    _garble_invoice_timestamps(raw)
    served = tmp_path / "served.duckdb"
    shutil.copy(demo_warehouse.db, served)
    before = served.read_bytes()
    with pytest.raises(GateError) as raised:
        build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True)
    message = str(raised.value)
    assert "quality: stripe/invoice: created" in message and "--skip-quality" in message
    assert served.read_bytes() == before, "the served warehouse changed"
    assert not list(tmp_path.glob("served.duckdb.building*"))
    return raised.value, served, before


def test_failing_quality_checks_beside_the_build_stop_it(demo_warehouse, tmp_path, monkeypatch):
    """Without a memory limit the quality checks run beside dbt's build. When they fail, the
    gate names the file and column, nothing is served, and dbt is stopped if it was still
    running: the message says which, and dbt's run results agree with it."""
    import signal

    monkeypatch.delenv("CLEARINGHOUSE_MEMORY_LIMIT", raising=False)
    handler = signal.getsignal(signal.SIGINT)
    error, served, before = _quality_failure(demo_warehouse, tmp_path)
    assert "nothing was served" in str(error)
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    nodes = {n["unique_id"] for n in manifest["nodes"].values()
             if n["resource_type"] in ("model", "seed", "test")}
    run_results = tmp_path / "target" / "run_results.json"
    results = json.loads(run_results.read_text())["results"] if run_results.exists() else []
    finished = {r["unique_id"] for r in results
                if r["status"] in ("success", "pass", "warn")} & nodes  # not its hooks
    if "was stopped" in str(error):
        assert finished < nodes, "dbt was said to be stopped but finished"
    else:
        assert finished == nodes, "dbt was said to have finished but did not"
    assert signal.getsignal(signal.SIGINT) == handler  # Ctrl-C does what it did before


def test_failing_quality_checks_under_a_memory_limit_stop_before_dbt(demo_warehouse, tmp_path,
                                                                     monkeypatch):
    """Under a memory limit the checks run before dbt's build (their memory would add to
    dbt's): when they fail, dbt has only parsed the project."""
    monkeypatch.setenv("CLEARINGHOUSE_MEMORY_LIMIT", "4GB")
    error, _, _ = _quality_failure(demo_warehouse, tmp_path)
    assert "nothing was built" in str(error)
    assert not (tmp_path / "target" / "run_results.json").exists(), "dbt built models"


def test_a_failed_quality_report_interrupts_dbt_once_it_runs_models():
    """The stopper (clearinghouse.build._StopOnFailedChecks), without dbt: a report with
    errors interrupts the main thread only once dbt has started its first model (not while
    it parses), with an interruption dbt reads as one of its own errors; a clean report, or
    one arriving after the build, interrupts nothing; SIGINT's handler is back afterwards."""
    import signal
    import threading
    from concurrent.futures import Future
    from types import SimpleNamespace

    from dbt_common.exceptions import DbtBaseException

    from clearinghouse.build import _StopOnFailedChecks

    def report(*errors):
        return SimpleNamespace(errors=list(errors))

    handler = signal.getsignal(signal.SIGINT)
    node_start = SimpleNamespace(info=SimpleNamespace(name="NodeStart"))
    other_event = SimpleNamespace(info=SimpleNamespace(name="MainReportVersion"))

    # a failed report while dbt parses: nothing yet; dbt's first model (its thread): stopped
    checked = Future()
    stopper = _StopOnFailedChecks(checked)
    with pytest.raises(KeyboardInterrupt) as raised, stopper:
        stopper.callback(other_event)
        checked.set_result(report(("stripe/invoice", "created")))
        assert not stopper.fired
        threading.Thread(target=stopper.callback, args=[node_start]).start()
        threading.Event().wait(60)  # interrupted long before it times out
    assert stopper.fired and isinstance(raised.value, DbtBaseException)
    assert signal.getsignal(signal.SIGINT) == handler

    # a clean report while models run: nothing
    checked = Future()
    stopper = _StopOnFailedChecks(checked)
    with stopper:
        stopper.callback(node_start)
        threading.Thread(target=checked.set_result, args=[report()]).start()
        threading.Event().wait(0.5)
    assert not stopper.fired

    # a failed report after the build: nothing
    checked = Future()
    stopper = _StopOnFailedChecks(checked)
    with stopper:
        stopper.callback(node_start)
    checked.set_result(report(("stripe/invoice", "created")))
    threading.Event().wait(0.5)
    assert not stopper.fired
    assert signal.getsignal(signal.SIGINT) == handler

"""Incremental builds (`clearinghouse build --incremental`, docs/incremental.md): a daily run
replayed on the demo company, and the incremental build's tables against a full build's
over the same exports, table by table (as multisets of rows).

Forward: yesterday's exports (clearinghouse.synth.as_of: today's without the records
created since the cut, and without what happened since to the others) built in full, then
today's built incrementally over that warehouse. Backward: today's full build (the shared
demo warehouse), then yesterday's built incrementally over it, which removes records and
undoes changes. Both must equal the full build of the same exports: every table, not only
the incremental models, since everything downstream reads them."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from clearinghouse.build import (
    BUILD_INFO,
    _why_not_incremental,
    build,
    differing_tables,
    project_fingerprint,
)
from clearinghouse.contract import load_contract, match_columns
from clearinghouse.parsing import parse_timestamp
from clearinghouse.synth.as_of import SCHEDULED, SYNCED, exports_as_of

# the models built incrementally (docs/incremental.md)
INCREMENTAL_MODELS = ("int_policy__rolling_caps", "int_policy__collisions")
NEW_DAYS = 2


def _tables(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return [name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall()]


def _changed_contacts(before: Path, after: Path) -> tuple[int, int]:
    """Brute force, in Python: how many contacts' messages (int_core__messages rows) differ
    between two warehouses, and how many contacts have messages in either."""
    def messages(db: Path) -> dict[str, set]:
        with duckdb.connect(str(db), read_only=True) as connection:
            rows = connection.execute(
                "select * from int_core__messages where contact_id is not null").fetchall()
            columns = [c[0] for c in connection.description]
        at = columns.index("contact_id")
        grouped: dict[str, list] = {}
        for row in rows:
            grouped.setdefault(row[at], []).append(row)
        return {contact: sorted(map(repr, group)) for contact, group in grouped.items()}

    old, new = messages(before), messages(after)
    contacts = old.keys() | new.keys()
    return sum(old.get(c) != new.get(c) for c in contacts), len(contacts)


@pytest.fixture(scope="module")
def replay(module_tmp, demo_warehouse):
    """Yesterday's exports and warehouse, today's built incrementally over it, and
    yesterday's built incrementally over today's."""
    with duckdb.connect(str(demo_warehouse.db), read_only=True) as connection:
        end = connection.execute("select data_end_date from rpt_data_end").fetchone()[0]
    cut = (end - timedelta(days=NEW_DAYS - 1)).isoformat()
    yesterday_raw = module_tmp / "yesterday"
    counts = exports_as_of(demo_warehouse.raw, yesterday_raw, cut)
    target = module_tmp / "target"
    yesterday = module_tmp / "yesterday.duckdb"
    build(db_path=yesterday, raw=yesterday_raw, target_path=target, quiet=True)

    forward = module_tmp / "forward.duckdb"
    shutil.copyfile(yesterday, forward)
    forward_result = build(db_path=forward, raw=demo_warehouse.raw, target_path=target,
                           quiet=True, incremental=True)
    forward_sql = {model: _run_sql(target, model) for model in INCREMENTAL_MODELS}

    backward = module_tmp / "backward.duckdb"
    shutil.copyfile(demo_warehouse.db, backward)
    backward_result = build(db_path=backward, raw=yesterday_raw, target_path=target,
                            quiet=True, incremental=True)
    return {"cut": cut, "counts": counts, "yesterday_raw": yesterday_raw,
            "yesterday": yesterday, "today": demo_warehouse.db,
            "forward": forward, "forward_result": forward_result, "forward_sql": forward_sql,
            "backward": backward, "backward_result": backward_result}


def _run_sql(target: Path, model: str) -> str:
    """The SQL dbt ran for a model in the last build with this target folder."""
    return next(target.glob(f"run/clearinghouse/models/**/{model}.sql")).read_text()


def test_the_day_before_has_fewer_rows_and_nothing_after_the_cut(replay):
    """Yesterday's exports: fewer rows, and no contract timestamp at or after the cut but
    the schedules (due dates, period ends) and the sync time of records changed since
    (today's version stands in for yesterday's), read as the build reads them
    (clearinghouse.parsing, every spelling: ISO, offsets, epoch seconds and milliseconds)."""
    counts = replay["counts"]
    new_rows = sum(total - kept for total, kept in counts.values())
    assert all(kept <= total for total, kept in counts.values())
    assert 0 < new_rows < 0.05 * sum(total for total, _ in counts.values())
    cut = datetime.fromisoformat(replay["cut"])
    checked = 0
    for path in sorted(replay["yesterday_raw"].glob("*/*.csv")):
        table = load_contract()[path.parent.name].tables.get(path.stem)
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        mapping = match_columns(table, rows[0])
        for column in table.columns:
            name = mapping.get(column.name)
            if (column.data_type != "timestamp" or not name or name.lower() in SCHEDULED
                    or column.name == SYNCED):
                continue
            at = rows[0].index(name)
            late = [row[at] for row in rows[1:]
                    if (parse_timestamp(row[at]) or datetime.min) >= cut]
            assert not late, (path, name, late[:3])
            checked += 1
    assert checked > 20


def test_incremental_build_equals_a_full_build_of_the_same_exports(replay):
    assert replay["forward_result"].mode == "incremental"
    assert differing_tables(replay["today"], replay["forward"]) == {}


def test_incremental_build_backwards_removes_what_is_gone(replay):
    """Over today's warehouse, yesterday's exports: records removed, changes undone."""
    assert replay["backward_result"].mode == "incremental"
    assert differing_tables(replay["yesterday"], replay["backward"]) == {}


def test_the_incremental_models_copied_some_partitions_and_computed_others(replay):
    """The equality above is not a full build in disguise: dbt ran the incremental SQL
    (it reads the previous warehouse), and the day's changes touched some contacts'
    messages but not all (brute force), so both the copied and the computed rows count."""
    for model, sql in replay["forward_sql"].items():
        assert "clearinghouse_previous.main." in sql, model
    changed, contacts = _changed_contacts(replay["yesterday"], replay["today"])
    assert 0 < changed < contacts / 2, (changed, contacts)


def test_why_not_incremental(tmp_path, replay):
    fingerprint = project_fingerprint()
    assert _why_not_incremental(tmp_path / "none.duckdb", fingerprint).startswith(
        "no served warehouse")
    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()
    assert "does not say what built it" in _why_not_incremental(bare, fingerprint)
    assert "changed since" in _why_not_incremental(replay["today"], "another project")
    assert _why_not_incremental(replay["today"], fingerprint) is None
    with duckdb.connect(str(replay["today"]), read_only=True) as connection:
        assert connection.execute(f"select mode from {BUILD_INFO}").fetchone()[0] == "full"


def test_a_full_build_replaces_every_table(replay):
    """The build info lives in its own schema: the app and `clearinghouse check` see the
    same tables in both builds."""
    assert _tables(replay["forward"]) == _tables(replay["today"])

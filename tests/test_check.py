"""`clearinghouse check`: Great Expectations suites over the built warehouse's marts."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pandas as pd
import pytest

from clearinghouse.check import (
    CheckError,
    Thresholds,
    Warehouse,
    check_warehouse,
    parse_as_of,
    weekly_messages,
)
from clearinghouse.cli import main

AS_OF = "2026-11-01"  # the generator's data ends 2026-10-31


@pytest.fixture
def corrupted(demo_warehouse, tmp_path):
    """A copy of the demo warehouse with bad emails, half the accounts deleted and the latest
    complete week's messages gone from rpt_messages_by_team_week."""
    db = tmp_path / "corrupted.duckdb"
    shutil.copyfile(demo_warehouse.db, db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("update dim_contacts set email = 'not-an-email' "
                           "where email is not null and hash(contact_id) % 10 = 0")
        connection.execute("delete from dim_accounts where hash(account_id) % 2 = 0")
        connection.execute("delete from rpt_messages_by_team_week "
                           "where week_start = date '2026-10-19'")
    return db


def test_passes_on_the_demo_warehouse(demo_warehouse, tmp_path, capsys):
    out = tmp_path / "check"
    code = main(["check", "--db", str(demo_warehouse.db), "--previous", str(demo_warehouse.db),
                 "--out", str(out), "--as-of", AS_OF])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "warehouse check: OK" in printed
    assert str(out / "check_report.json") in printed
    assert str(out / "data_docs" / "index.html") in printed

    report = json.loads((out / "check_report.json").read_text())
    assert report["ok"] and report["error_count"] == 0 and report["warning_count"] == 0
    assert {r["category"] for r in report["results"]} == {
        "row_counts", "distributions", "formats", "referential_integrity", "freshness"}
    checked = {(r["table"], r["column"], r["expectation"]) for r in report["results"]}
    assert {
        ("dim_accounts", None, "expect_table_row_count_to_be_between"),
        ("fct_communications", "source_system", "expect_column_distinct_values_to_contain_set"),
        ("dim_accounts", "current_mrr", "expect_column_mean_to_be_between"),
        ("rpt_messages_by_team_week", "message_count", "expect_column_values_to_be_between"),
        ("dim_contacts", "email", "expect_column_values_to_match_regex"),
        ("fct_communications", "contact_id", "expect_column_pair_values_to_be_equal"),
        ("fct_communications", "account_id", "expect_column_pair_values_to_be_equal"),
        ("fct_cadence_violations", "message_id", "expect_column_pair_values_to_be_equal"),
        ("fct_communications", "sent_at", "expect_column_max_to_be_between"),
    } <= checked
    # every mart that had rows has a row-count band against the previous build
    banded = {r["table"] for r in report["results"] if "previous_rows" in r["observed"]}
    assert banded == {table for table, rows in report["rows"].items() if rows}
    assert {"dim_accounts", "dim_contacts", "fct_communications"} <= banded
    assert (out / "data_docs" / "index.html").is_file()
    pages = list((out / "data_docs" / "validations").rglob("*.html"))
    assert len(pages) == len({r["suite"] for r in report["results"]})


def test_fails_on_a_corrupted_copy(demo_warehouse, corrupted, tmp_path, capsys):
    out = tmp_path / "check"
    code = main(["check", "--db", str(corrupted), "--previous", str(demo_warehouse.db),
                 "--out", str(out), "--as-of", AS_OF])
    printed = capsys.readouterr().out
    assert code == 1, printed
    assert "warehouse check: FAILED" in printed
    lines = [line for line in printed.splitlines() if line.strip().startswith("error:")]
    email = next(line for line in lines if "dim_contacts.email" in line)
    assert "expect_column_values_to_match_regex" in email and "'not-an-email'" in email
    accounts = demo_warehouse.query("select count(*) from dim_accounts")[0][0]
    rows = next(line for line in lines if "dim_accounts (table)" in line)
    assert "expect_table_row_count_to_be_between" in rows
    assert f"previous_rows {accounts:,}" in rows
    assert any("fct_communications.account_id: expect_column_pair_values_to_be_equal" in line
               for line in lines)  # the deleted accounts are still referenced
    week = next(line for line in printed.splitlines() if "rpt_messages_by_team_week" in line)
    assert week.strip().startswith("warning:") and "observed 0" in week

    report = json.loads((out / "check_report.json").read_text())
    assert not report["ok"]
    failed = {(r["table"], r["column"]) for r in report["results"]
              if not r["passed"] and r["severity"] == "error"}
    assert {("dim_contacts", "email"), ("dim_accounts", None)} <= failed
    assert ("fct_cadence_violations", "message_id") not in failed
    assert (out / "data_docs" / "index.html").is_file()


def test_the_original_is_not_touched(demo_warehouse, corrupted):
    assert demo_warehouse.query(
        "select count(*) from dim_contacts where email = 'not-an-email'")[0][0] == 0


@pytest.mark.parametrize(("as_of", "code", "level"), [
    ("2026-11-20", 0, "warning"),  # 19 days after the newest message
    ("2027-01-15T12:00:00Z", 1, "error"),  # 75 days
])
def test_freshness(demo_warehouse, tmp_path, capsys, as_of, code, level):
    assert main(["check", "--db", str(demo_warehouse.db), "--out", str(tmp_path),
                 "--as-of", as_of]) == code
    printed = capsys.readouterr().out
    stale = [line.strip() for line in printed.splitlines() if "fct_communications.sent_at" in line]
    assert stale and all("expect_column_max_to_be_between" in line for line in stale)
    assert any(line.startswith(f"{level}:") for line in stale)
    assert all(line.startswith("warning:") for line in stale) == (level == "warning")


def test_freshness_thresholds_are_options(demo_warehouse, tmp_path):
    report = check_warehouse(demo_warehouse.db, out=None, as_of="2026-11-20",
                             thresholds=Thresholds(warn_after_days=30, error_after_days=60))
    assert report.ok and not report.failed(column="sent_at")
    assert report.data_docs is None and report.report_path is None


def test_message_systems_follow_feature_coverage(demo_warehouse, tmp_path):
    db = tmp_path / "no-hubspot.duckdb"
    shutil.copyfile(demo_warehouse.db, db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("delete from fct_communications where source_system = 'hubspot'")
    report = check_warehouse(db, out=None, as_of=AS_OF)
    (missing,) = report.failed("fct_communications", "source_system")
    assert missing.severity == "error" and missing.observed["missing"] == ["hubspot"]

    with duckdb.connect(str(db)) as connection:  # as if the raw data had no HubSpot events
        connection.execute("update rpt_feature_coverage set status = 'off' "
                           "where feature = 'marketing_messages'")
    report = check_warehouse(db, out=None, as_of=AS_OF)
    assert not report.failed("fct_communications", "source_system")
    assert any("hubspot" in note for note in report.notes)


def test_cannot_run_without_a_warehouse(tmp_path, capsys):
    assert main(["check", "--db", str(tmp_path / "missing.duckdb"),
                 "--out", str(tmp_path)]) == 2
    assert "no warehouse file" in capsys.readouterr().err
    with pytest.raises(CheckError):
        check_warehouse(tmp_path / "missing.duckdb", thresholds=Thresholds(
            warn_after_days=40, error_after_days=30))


def test_parse_as_of():
    assert parse_as_of("2026-11-01") == dt.datetime(2026, 11, 1)
    assert parse_as_of("2026-11-01T02:00:00+02:00") == dt.datetime(2026, 11, 1)
    assert parse_as_of("2026-11-01T00:00:00Z") == dt.datetime(2026, 11, 1)
    assert parse_as_of(None).tzinfo is None
    with pytest.raises(CheckError):
        parse_as_of("last tuesday")


def test_weekly_messages_keeps_only_complete_weeks_and_fills_gaps():
    connection = duckdb.connect()
    connection.execute("""
        create table fct_communications as
        select * from (values
            (timestamp '2026-10-01 10:00'),  -- Thursday: its week is partial
            (timestamp '2026-10-06 10:00'), (timestamp '2026-10-07 10:00'),
            (timestamp '2026-10-21 10:00'),  -- week of 10-13 has none
            (timestamp '2026-10-31 23:00')   -- Saturday: its week is partial
        ) as t(sent_at)
    """)
    warehouse = Warehouse(connection, {"fct_communications"}, {}, {}, None)
    table, weeks = weekly_messages(warehouse)
    assert table == "fct_communications"
    assert weeks.to_dict("list") == {
        "week_start": [dt.date(2026, 10, 5), dt.date(2026, 10, 12), dt.date(2026, 10, 19)],
        "message_count": [2, 0, 1],
    }
    assert isinstance(weeks, pd.DataFrame)

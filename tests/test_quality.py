"""Raw-export quality checks (clearinghouse.quality): clean exports pass, breakage is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from clearinghouse.generate import generate
from clearinghouse.quality import (
    BOOLEAN_COLUMNS,
    EMAIL_COLUMNS,
    TIMESTAMP_COLUMNS,
    QualityReport,
    check_raw,
    columns_read_by_staging,
    format_report,
)
from clearinghouse.raw_schema import RAW_TABLES

ALL_TABLES = [f"{s}/{t}" for s, tables in RAW_TABLES.items() for t in tables]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """Demo exports (seed 5), generated once for the module; tests break copies of them."""
    root = tmp_path_factory.mktemp("quality")
    rows = generate(out=root / "raw", truth=root / "truth", scale="demo", seed=5, progress=False)
    return root / "raw", rows


@pytest.fixture(scope="module")
def clean(demo, tmp_path_factory) -> tuple[QualityReport, Path]:
    out = tmp_path_factory.mktemp("quality_out")
    return check_raw(demo[0], out=out), out


@pytest.fixture
def copy(demo, tmp_path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(demo[0], raw)
    return raw


def _rewrite(path: Path, change) -> int:
    """Read a CSV as text, apply `change(frame)`, write it back; returns the row count."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = change(frame)
    frame.to_csv(path, index=False)
    return len(frame)


def _only_failures(report: QualityReport, severity: str = "error") -> dict[str, list]:
    return {
        t.key: [c for c in t.checks if not c.passed and c.severity == severity]
        for t in report.tables
        if any(not c.passed and c.severity == severity for c in t.checks)
    }


def test_column_classification_follows_names_not_data():
    assert "cancel_at_period_end" in BOOLEAN_COLUMNS["stripe/subscription"]
    assert "cancel_at_period_end" not in TIMESTAMP_COLUMNS["stripe/subscription"]
    assert {"billing_cycle_anchor", "current_period_end", "trial_start", "start_date"} <= set(
        TIMESTAMP_COLUMNS["stripe/subscription"])
    assert {"period_start", "period_end", "due_date", "created", "_fivetran_synced"} <= set(
        TIMESTAMP_COLUMNS["stripe/invoice"])
    assert {"property_createdate", "property_lastmodifieddate"} <= set(
        TIMESTAMP_COLUMNS["hubspot/contact"])
    assert {"sent_by_created", "caused_by_created"} <= set(TIMESTAMP_COLUMNS["hubspot/email_event"])
    assert {"_fivetran_deleted", "property_hs_email_optout", "is_deleted"} <= set(
        BOOLEAN_COLUMNS["hubspot/contact"])
    assert EMAIL_COLUMNS["hubspot/email_event"] == ["recipient"]
    assert EMAIL_COLUMNS["stripe/invoice"] == ["customer_email"]
    for key in ALL_TABLES:
        assert "_fivetran_synced" in TIMESTAMP_COLUMNS[key]
        assert not set(TIMESTAMP_COLUMNS[key]) & set(BOOLEAN_COLUMNS[key])


def test_staging_reads_the_columns_it_normalises():
    read = columns_read_by_staging()
    assert read is not None and set(read) == set(ALL_TABLES)
    assert {"id", "_fivetran_synced", "customer_email", "created"} <= read["stripe/invoice"]
    assert "cc" not in read["hubspot/email_event_sent"]  # written by the generator, never read


def test_clean_demo_export_passes(clean, demo):
    report, _ = clean
    _, rows = demo
    assert report.ok, format_report(report)
    assert not report.errors
    assert [t.key for t in report.tables] == ALL_TABLES
    for table in report.tables:
        assert table.rows == rows[table.key], table.key
        assert table.validated_rows == table.rows and not table.sampled
        assert any(c.check == "expect_column_values_to_match_regex" for c in table.checks)
    # re-landed rows are warnings, with the duplicate share reported
    unique = next(c for c in report.table("stripe/subscription_item").checks
                  if c.check == "expect_column_values_to_be_unique")
    assert unique.severity == "warning" and not unique.passed
    assert 0 < unique.observed["duplicate_share"] < 0.5
    assert unique.observed["examples"]


def test_reports_are_written(clean):
    report, out = clean
    data = json.loads((out / "quality_report.json").read_text())
    assert data["ok"] is True and data["error_count"] == 0
    assert [f"{t['system']}/{t['table']}" for t in data["tables"]] == ALL_TABLES
    assert data["tables"][0]["checks"][0]["message"]
    markdown = (out / "quality_report.md").read_text()
    assert markdown.startswith("# Raw data quality report")
    assert "**OK**" in markdown
    for key in ALL_TABLES:
        assert f"| {key} |" in markdown
    assert "raw data quality: OK" in format_report(report)


def test_missing_used_column_is_an_error(copy):
    _rewrite(copy / "stripe" / "invoice.csv", lambda f: f.drop(columns=["customer_email"]))
    _rewrite(copy / "hubspot" / "email_event_sent.csv", lambda f: f.drop(columns=["cc"]))
    report = check_raw(copy)
    assert not report.ok
    errors = _only_failures(report)
    assert list(errors) == ["stripe/invoice"]
    (check,) = errors["stripe/invoice"]
    assert check.check == "expect_table_columns_to_match_set"
    assert check.observed["missing_columns"] == ["customer_email"]
    assert "customer_email" in check.message
    # a contract column staging never reads is only a warning
    warned = [c for c in report.table("hubspot/email_event_sent").warnings
              if c.check == "expect_table_columns_to_match_set"]
    assert warned and warned[0].observed["missing_columns"] == ["cc"]


def test_garbage_timestamps_are_caught(copy):
    def garble(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.index % 20 == 0, "created"] = "yesterday"  # 5%
        return frame

    _rewrite(copy / "stripe" / "invoice.csv", garble)
    report = check_raw(copy)
    assert not report.ok
    assert list(_only_failures(report)) == ["stripe/invoice"]
    (check,) = report.table("stripe/invoice").failed("created")
    assert check.severity == "error" and check.column == "created"
    assert 4.5 < check.observed["unexpected_percent"] < 5.5
    assert check.observed["examples"] == ["yesterday"]
    assert "created" in format_report(report)


def test_bad_emails_are_caught(copy):
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.index % 10 == 3, "property_email"] = "not-an-email"  # 10%
        return frame

    _rewrite(copy / "hubspot" / "contact.csv", spoil)
    report = check_raw(copy)
    assert not report.ok
    assert list(_only_failures(report)) == ["hubspot/contact"]
    (check,) = report.table("hubspot/contact").failed("property_email")
    assert 9.5 < check.observed["unexpected_percent"] < 10.5
    assert "not-an-email" in check.observed["examples"]


def test_missing_file_is_an_error_not_an_exception(copy, tmp_path):
    (copy / "zendesk" / "ticket_comment.csv").unlink()
    report = check_raw(copy, out=tmp_path / "out")
    assert not report.ok
    assert list(_only_failures(report)) == ["zendesk/ticket_comment"]
    table = report.table("zendesk/ticket_comment")
    assert table.rows is None
    (check,) = table.errors
    assert check.check == "file_exists" and "ticket_comment.csv" in check.message
    assert "ticket_comment.csv" in format_report(report)
    assert "ticket_comment.csv" in (tmp_path / "out" / "quality_report.md").read_text()
    assert json.loads((tmp_path / "out" / "quality_report.json").read_text())["ok"] is False


def test_parquet_and_sampling(tmp_path):
    raw = tmp_path / "raw"
    rows = generate(out=raw, truth=tmp_path / "truth", scale="demo", seed=5, fmt="parquet",
                    progress=False)
    report = check_raw(raw, fmt="parquet", max_rows=5_000)
    assert report.ok, format_report(report)
    events = report.table("hubspot/email_event")
    assert events.rows == rows["hubspot/email_event"] > 5_000
    assert events.sampled and events.validated_rows == 5_000
    assert "sampled 5,000" in format_report(report)
    # asking for the wrong format names what is there
    wrong = check_raw(raw, fmt="csv")
    assert not wrong.ok and "invoice.parquet" in wrong.table("stripe/invoice").errors[0].message


def test_typed_parquet_values_are_accepted(tmp_path):
    """A real Parquet export has typed columns: timestamps, booleans, integers."""
    raw = tmp_path / "raw"
    (raw / "stripe").mkdir(parents=True)
    path = raw / "stripe" / "charge.parquet"
    with duckdb.connect() as connection:
        connection.execute(f"""
            copy (
                select 'ch_' || i as id, i % 2 = 0 as paid, true as captured, false as refunded,
                       true as livemode, 'a@b.io' as receipt_email,
                       timestamp '2025-01-01 10:00:00' + to_seconds(i) as created,
                       timestamptz '2025-01-01 10:00:00.123+00' as _fivetran_synced
                from range(100) t(i)
            ) to '{path}' (format parquet)""")
    report = check_raw(raw, fmt="parquet")
    charge = report.table("stripe/charge")
    assert charge.rows == 100
    failed = {c.column for c in charge.failed()}
    assert failed == {None}, format_report(report)  # only the missing-columns check fails

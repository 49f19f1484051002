"""Raw-export quality checks (clearinghouse.quality): clean exports pass, breakage is caught,
real connector exports (other naming styles, systems absent, Latin-1) are read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from clearinghouse.contract import load_contract
from clearinghouse.quality import (
    BOOLEAN_COLUMNS,
    EMAIL_COLUMNS,
    TIMESTAMP_COLUMNS,
    QualityReport,
    check_raw,
    format_markdown,
    format_report,
)
from clearinghouse.synth import generate

CONTRACT = load_contract()
ALL_TABLES = [t.key for system in CONTRACT.values() for t in system.tables.values()]


def _in_contract_order(keys) -> list[str]:
    """The given "system/table" keys in contract order (the order of the report's tables)."""
    keys = set(keys)
    return [key for key in ALL_TABLES if key in keys]


@pytest.fixture(scope="module")
def demo(module_tmp) -> tuple[Path, dict[str, int]]:
    """Demo exports (seed 5), generated once for the module; tests break copies of them."""
    root = module_tmp / "quality"
    rows = generate(out=root / "raw", truth=root / "truth", scale="demo", seed=5, progress=False)
    return root / "raw", rows


@pytest.fixture(scope="module")
def clean(demo, module_tmp) -> tuple[QualityReport, Path]:
    out = module_tmp / "quality_out"
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


def test_column_classification_follows_the_contract_types():
    assert set(TIMESTAMP_COLUMNS) == set(BOOLEAN_COLUMNS) == set(EMAIL_COLUMNS) == set(ALL_TABLES)
    assert "cancel_at_period_end" in BOOLEAN_COLUMNS["stripe/subscription"]
    assert "cancel_at_period_end" not in TIMESTAMP_COLUMNS["stripe/subscription"]
    assert {"current_period_end", "trial_start", "start_date", "canceled_at"} <= set(
        TIMESTAMP_COLUMNS["stripe/subscription"])
    assert {"period_start", "period_end", "due_date", "created", "_fivetran_synced"} <= set(
        TIMESTAMP_COLUMNS["stripe/invoice"])
    assert {"property_createdate", "property_lastmodifieddate"} <= set(
        TIMESTAMP_COLUMNS["hubspot/contact"])
    assert {"close_date", "created_date"} <= set(TIMESTAMP_COLUMNS["salesforce/opportunity"])
    assert {"_fivetran_deleted", "property_hs_email_optout", "is_deleted"} <= set(
        BOOLEAN_COLUMNS["hubspot/contact"])
    assert EMAIL_COLUMNS["hubspot/email_event"] == ["recipient"]
    assert EMAIL_COLUMNS["stripe/invoice"] == ["customer_email"]
    for system in CONTRACT.values():
        for table in system.tables.values():
            types = {c.name: c.data_type for c in table.columns}
            assert all(types[c] in ("timestamp", "date") for c in TIMESTAMP_COLUMNS[table.key])
            assert all(types[c] == "boolean" for c in BOOLEAN_COLUMNS[table.key])
            assert set(TIMESTAMP_COLUMNS[table.key]) == {
                c for c, t in types.items() if t in ("timestamp", "date")}
            if "_fivetran_synced" in types:
                assert "_fivetran_synced" in TIMESTAMP_COLUMNS[table.key]


def test_clean_demo_export_passes(clean, demo):
    report, _ = clean
    _, rows = demo
    assert report.ok, format_report(report)
    assert not report.errors and not report.problems
    assert [t.key for t in report.tables] == _in_contract_order(rows)
    assert all(report.systems.values())
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
    assert [f"{t['system']}/{t['table']}" for t in data["tables"]] == [
        t.key for t in report.tables]
    assert data["tables"][0]["checks"][0]["message"]
    markdown = (out / "quality_report.md").read_text()
    assert markdown.startswith("# Raw data quality report")
    assert "**OK**" in markdown
    for table in report.tables:
        assert f"| {table.key} |" in markdown
    assert "raw data quality: OK" in format_report(report)


def test_missing_required_column_is_an_error_naming_file_and_column(copy):
    invoice = copy / "stripe" / "invoice.csv"
    _rewrite(invoice, lambda f: f.drop(columns=["customer_id", "customer_email"]))
    _rewrite(copy / "hubspot" / "email_event_sent.csv", lambda f: f.drop(columns=["cc"]))
    report = check_raw(copy)
    assert not report.ok
    errors = _only_failures(report)
    assert list(errors) == ["stripe/invoice"]
    (check,) = errors["stripe/invoice"]
    assert check.check == "required_columns"
    assert check.observed["missing_columns"] == ["customer_id"]
    assert str(invoice) in check.message and "customer_id" in check.message
    assert "customer_id" in format_report(report) and "customer_id" in format_markdown(report)
    # the other columns are still checked; an optional contract column is simply not there
    table = report.table("stripe/invoice")
    assert "customer_email" not in table.columns and "customer_id" not in table.columns
    assert not table.failed("customer_email")
    assert any(c.column == "created" and c.passed for c in table.checks)
    # a column outside the contract (cc is written by the generator, never read) is no matter
    assert not report.table("hubspot/email_event_sent").errors


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
    (copy / "stripe" / "charge.csv").unlink()  # optional: a warning saying what is lost
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
    (absent,) = report.table("stripe/charge").warnings
    assert absent.check == "file_exists" and "lifetime revenue" in absent.message


def test_missing_raw_folder_is_an_error_not_an_exception(tmp_path):
    report = check_raw(tmp_path / "nowhere", out=tmp_path / "out")
    assert not report.ok and not report.tables
    ((key, check),) = report.errors
    assert key == "raw" and "nowhere" in check.message
    assert "nowhere" in format_report(report)
    assert "nowhere" in (tmp_path / "out" / "quality_report.md").read_text()


def test_parquet_and_sampling(tmp_path):
    raw = tmp_path / "raw"
    rows = generate(out=raw, truth=tmp_path / "truth", scale="demo", seed=5, fmt="parquet",
                    progress=False)
    report = check_raw(raw, fmt="parquet", max_rows=5_000)
    assert report.ok, format_report(report)
    events = report.table("hubspot/email_event")
    assert events.rows == rows["hubspot/email_event"] > 5_000
    # a Bernoulli sample of about 5,000 rows: within 5 standard deviations of 5,000
    share = 5_000 / events.rows
    spread = 5 * (events.rows * share * (1 - share)) ** 0.5
    assert events.sampled and abs(events.validated_rows - 5_000) < spread
    assert f"sampled {events.validated_rows:,}" in format_report(report)
    # the format is a preference: a Parquet-only folder checked with csv reads the Parquet
    other = check_raw(raw, fmt="csv", max_rows=5_000)
    assert other.ok, format_report(other)
    assert {t.format for t in other.tables} == {"parquet"}
    assert other.table("stripe/invoice").path.endswith("invoice.parquet")
    # the sample is seeded: the same rows again
    assert other.table("hubspot/email_event").validated_rows == events.validated_rows


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
    failed = {c.check for c in charge.failed()}
    assert failed == {"required_columns"}, format_report(report)  # customer_id, amount
    assert all(c.passed for c in charge.checks if c.column)
    assert report.table("stripe/customer").errors[0].check == "file_exists"  # required


# ---------------------------------------------------------------------------------------------
# Real connector exports
# ---------------------------------------------------------------------------------------------
def _pascal(name: str) -> str:
    """Salesforce API style: created_date -> CreatedDate (connector columns keep theirs)."""
    return name if name.startswith("_") else "".join(p.capitalize() for p in name.split("_"))


def _check_signature(table) -> list[tuple]:
    return [(c.check, c.column, c.passed, c.observed.get("unexpected_count"))
            for c in table.checks]


def test_salesforce_api_names_pass_the_same_checks(copy, clean):
    folder = copy / "salesforce"
    for path in sorted(folder.glob("*.csv")):
        _rewrite(path, lambda f: f.rename(columns=_pascal))
        path.rename(folder / f"{_pascal(path.stem)}.csv")  # user_role.csv -> UserRole.csv
    assert (folder / "UserRole.csv").is_file() and not (folder / "user_role.csv").exists()
    assert "CreatedDate" in (folder / "Account.csv").read_text().splitlines()[0]

    report = check_raw(copy)
    assert report.ok, format_report(report)
    reference, _ = clean
    assert [t.key for t in report.tables] == [t.key for t in reference.tables]
    for key in (t.key for t in report.tables if t.system == "salesforce"):
        table, before = report.table(key), reference.table(key)
        assert table.rows == before.rows and table.columns == before.columns, key
        assert _check_signature(table) == _check_signature(before), key
    roles = report.table("salesforce/user_role")
    assert Path(roles.path).name == "UserRole.csv"
    assert roles.file_columns["_fivetran_synced"] == "_fivetran_synced"
    account = report.table("salesforce/account")
    assert account.file_columns["created_date"] == "CreatedDate"


def test_salesforce_api_names_failures_name_the_file_column(copy):
    path = copy / "salesforce" / "account.csv"

    def garble(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.rename(columns=_pascal)
        frame.loc[frame.index % 10 == 0, "CreatedDate"] = "last week"
        return frame

    _rewrite(path, garble)
    report = check_raw(copy)
    (check,) = report.table("salesforce/account").failed("created_date")
    assert check.observed["header"] == "CreatedDate"
    assert "created_date (file: CreatedDate)" in check.message


def test_only_one_system_present(demo, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo[0] / "zendesk", raw / "zendesk")
    report = check_raw(raw, out=tmp_path / "out")
    assert report.ok, format_report(report)
    assert report.systems == {"salesforce": False, "stripe": False, "hubspot": False,
                              "zendesk": True}
    assert {t.system for t in report.tables} == {"zendesk"}
    assert [t.key for t in report.tables] == _in_contract_order(
        k for k in demo[1] if k.startswith("zendesk/"))
    assert not report.problems
    assert "not in use (no folder): salesforce, stripe, hubspot" in format_report(report)
    assert "systems present: zendesk" in (tmp_path / "out" / "quality_report.md").read_text()


def test_latin1_file_is_read(copy, clean):
    path = copy / "zendesk" / "user.csv"

    def accents(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.index % 3 == 0, "name"] = "Jos\u00e9 N\u00fa\u00f1ez M\u00fcller"
        return frame

    frame = accents(pd.read_csv(path, dtype=str, keep_default_na=False))
    frame.to_csv(path, index=False, encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")

    report = check_raw(copy)
    assert report.ok, format_report(report)
    users, before = report.table("zendesk/user"), clean[0].table("zendesk/user")
    assert users.encoding == "latin-1"
    assert users.rows == before.rows == len(frame)
    assert _check_signature(users) == _check_signature(before)

"""Checks on the built warehouse's marts, after a build (Great Expectations 1.x).

`check_warehouse(db)` opens the DuckDB file read-only, reads small pandas frames from the marts
(a repeatable reservoir sample of a table above `max_rows` rows; row counts and the newest
message are always exact) and validates each with an expectation suite built in code, in one
ephemeral GX context. The suites, one per (category, table):

* row_counts: `dim_accounts`, `dim_contacts`, `fct_communications` are not empty when the raw
  data had that system (`rpt_feature_coverage`: a feature with status `off` is absent), every
  source system whose message feature is on has messages, and with a previous build every
  mart's row count stays in a band around the previous one's;
* distributions: `dim_accounts.current_mrr` not null, >= 0 and (with a previous build) its mean
  in a band around the previous mean; messages in the latest complete week at least a share of
  the median complete week (warning);
* formats: `dim_contacts.email` looks like an address;
* referential_integrity: the ids of facts and dimensions are found in the tables they point to
  (`REFERENCES`);
* freshness: the newest `fct_communications.sent_at` is recent relative to `as_of` (warning,
  then error).

An expectation with severity error that fails makes the report fail (`report.ok` False).
`write_report` writes `check_report.json` and GX Data Docs (`data_docs/index.html`). See
docs/check.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from clearinghouse.paths import PROJECT_ROOT
from clearinghouse.quality import EMAIL_REGEX, QuietGX

DEFAULT_OUT = Path("warehouse") / "check"  # relative to the working directory
DEFAULT_MAX_ROWS = 500_000  # above this a table is validated on a reservoir sample
MAX_EXAMPLES = 5
CATEGORIES = ("row_counts", "distributions", "formats", "referential_integrity", "freshness")

# Tables that must not be empty when one of their features is on (rpt_feature_coverage).
MESSAGE_FEATURES = {  # feature -> the source_system of its messages in fct_communications
    "marketing_messages": "hubspot",
    "crm_messages": "salesforce",
    "support_messages": "zendesk",
    "billing_messages": "stripe",
}
NON_EMPTY = {
    "dim_accounts": ("account_identity",),
    "dim_contacts": ("people_identity",),
    "fct_communications": tuple(MESSAGE_FEATURES),
}
ON = ("active", "degraded")
# The marts read row by row (sampled when above max_rows); the others only have their count.
SAMPLED_READS = ("dim_accounts", "dim_contacts", "fct_communications", "fct_cadence_violations")


@dataclass(frozen=True)
class Reference:
    """`table.column` values (where not null) are found in `parent.parent_column`; with
    `separator`, the column holds a list of ids and each one is looked up."""

    table: str
    column: str
    parent: str
    parent_column: str
    separator: str | None = None


# The relationships of the marts' YAML (models/marts/*/_*__models.yml) worth watching.
REFERENCES = (
    Reference("fct_communications", "contact_id", "dim_contacts", "contact_id"),
    Reference("fct_communications", "account_id", "dim_accounts", "account_id"),
    Reference("dim_contacts", "account_id", "dim_accounts", "account_id"),
    Reference("fct_cadence_violations", "message_id", "fct_communications", "message_id"),
    Reference("fct_cadence_violations", "contact_id", "dim_contacts", "contact_id"),
    Reference("fct_cadence_violations", "message_ids_in_window", "fct_communications",
              "message_id", separator=","),
)


class CheckError(Exception):
    """The check cannot run (no warehouse file, bad option); not a failed expectation."""


@dataclass(frozen=True)
class Thresholds:
    max_shrink: float = 0.20  # a mart may lose at most 20% of the previous build's rows
    max_growth: float = 3.00  # ... and gain at most 300%
    max_mean_change: float = 0.50  # mean current_mrr within +-50% of the previous build's
    min_week_share: float = 0.20  # latest complete week >= 20% of the median week (warning)
    email_mostly: float = 0.99  # share of non-null emails that must look like an address
    warn_after_days: float = 7.0  # newest message older than this: warning
    error_after_days: float = 30.0  # ... older than this: error

    def validate(self) -> None:
        if not 0 <= self.max_shrink <= 1:
            raise CheckError(f"max shrink must be between 0 and 1, not {self.max_shrink}")
        if self.max_growth < 0 or self.max_mean_change < 0 or self.min_week_share < 0:
            raise CheckError("growth, mean change and week share must not be negative")
        if not 0 < self.email_mostly <= 1:
            raise CheckError(f"email mostly must be in (0, 1], not {self.email_mostly}")
        if not 0 <= self.warn_after_days <= self.error_after_days:
            raise CheckError(f"need 0 <= warn-after-days ({self.warn_after_days:g}) <= "
                             f"error-after-days ({self.error_after_days:g})")


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    """One expectation on one table (and column) and what was observed."""

    suite: str
    category: str
    table: str
    column: str | None
    expectation: str  # GX expectation type (or `table_exists` when a table is missing)
    severity: str  # "error" | "warning"
    passed: bool
    description: str
    kwargs: dict[str, Any] = field(default_factory=dict)  # the expectation's arguments
    observed: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}" if self.column else f"{self.table} (table)"

    @property
    def message(self) -> str:
        return f"{self.where}: {self.expectation} -- {self.description}; {_observed(self)}"


UNEXPECTED_KEYS = ("nonnull_count", "unexpected_count", "unexpected_percent", "examples",
                   "allowed_percent")


def _observed(result: CheckResult) -> str:
    seen = result.observed
    if seen.get("error"):
        return f"could not run: {seen['error']}"
    if "unexpected_count" in seen and seen["nonnull_count"] == 1 and seen.get("examples"):
        text = f"observed {seen['examples'][0]}"  # a one-row frame: its value
    elif "unexpected_count" in seen:
        text = (f"observed {seen['unexpected_count']:,} of {seen['nonnull_count']:,} non-null "
                f"values unexpected ({seen['unexpected_percent']:.2f}%)")
        if "allowed_percent" in seen:
            text += f", allowed {seen['allowed_percent']:g}%"
        if seen.get("examples"):
            text += ", e.g. " + ", ".join(repr(e) for e in seen["examples"])
    elif "observed_value" in seen:
        text = f"observed {_fmt(seen['observed_value'])}"
    else:
        text = "observed"
    extra = ", ".join(f"{k} {_fmt(v)}" for k, v in seen.items()
                      if k != "observed_value" and k not in UNEXPECTED_KEYS)
    return f"{text} ({extra})" if extra else text


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, list | tuple | set):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


@dataclass
class CheckReport:
    db: str
    previous: str | None
    as_of: str
    thresholds: Thresholds
    max_rows: int | None
    results: list[CheckResult] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # mart -> rows
    sampled: dict[str, int] = field(default_factory=dict)  # table -> rows validated (sample)
    notes: list[str] = field(default_factory=list)  # what was not checked, and why
    seconds: float = 0.0
    great_expectations_version: str = ""
    report_path: str | None = None
    data_docs: str | None = None  # path of data_docs/index.html once written

    @property
    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed and r.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed and r.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def failed(self, table: str | None = None, column: str | None = None) -> list[CheckResult]:
        return [r for r in self.results if not r.passed
                and (table is None or r.table == table)
                and (column is None or r.column == column)]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ok=self.ok, error_count=len(self.errors), warning_count=len(self.warnings),
                    expectation_count=len(self.results))
        for result, result_data in zip(self.results, data["results"], strict=True):
            result_data["message"] = result.message
        return data


def format_report(report: CheckReport) -> str:
    """Plain text for the terminal: the verdict, every failed expectation, the output paths."""
    status = "OK" if report.ok else "FAILED"
    lines = [
        f"warehouse check: {status} -- {len(report.errors)} errors, {len(report.warnings)} "
        f"warnings, {len(report.results)} expectations on {report.db} (as of {report.as_of}"
        + (f", previous build {report.previous}" if report.previous else "")
        + f", {report.seconds:.1f}s)"
    ]
    for table, rows in report.sampled.items():
        lines.append(f"  {table}: validated on a sample of {rows:,} of "
                     f"{report.rows.get(table, 0):,} rows")
    for note in report.notes:
        lines.append(f"  note: {note}")
    for result in report.errors + report.warnings:
        lines.append(f"  {result.severity}: {result.message}")
    if report.report_path:
        lines.append(f"report: {report.report_path}")
    if report.data_docs:
        lines.append(f"data docs: {report.data_docs}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Reading the warehouse
# ---------------------------------------------------------------------------------------------
@dataclass
class Validation:
    """One GX validation: a suite of expectations over one frame."""

    category: str
    table: str
    frame: pd.DataFrame
    expectations: list[Any]
    suffix: str = ""

    @property
    def name(self) -> str:
        return f"{self.category}.{self.table}" + (f".{self.suffix}" if self.suffix else "")


@dataclass
class Warehouse:
    """What the checks need to know about one build."""

    connection: duckdb.DuckDBPyConnection
    tables: set[str]  # every table and view in the main schema
    rows: dict[str, int]  # mart -> rows
    features: dict[str, str]  # feature -> status (rpt_feature_coverage; {} without it)
    max_rows: int | None

    def source(self, table: str) -> str:
        """`table`, or a repeatable reservoir sample of it when it is big."""
        if self.max_rows is not None and self.rows.get(table, 0) > self.max_rows:
            sample = f"reservoir({int(self.max_rows)} rows) repeatable (42)"
            return f"{_quote(table)} using sample {sample}"
        return _quote(table)

    def df(self, sql: str) -> pd.DataFrame:
        return self.connection.sql(sql).df()

    def feature_on(self, *features: str) -> bool:
        """True when one of `features` is active or degraded; also True when the build has no
        coverage to go by (every feature not evaluated, or no rpt_feature_coverage)."""
        known = [s for s in self.features.values() if s in (*ON, "off")]
        return not known or any(self.features.get(f) in ON for f in features)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def mart_names() -> set[str]:
    """The mart models of the project (models/marts/**/*.sql)."""
    return {path.stem for path in (PROJECT_ROOT / "models" / "marts").rglob("*.sql")}


def _open(path: Path, max_rows: int | None) -> Warehouse:
    if not path.is_file():
        raise CheckError(f"no warehouse file at {path} (run `clearinghouse build` first)")
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise CheckError(f"cannot open {path}: {str(error).splitlines()[0]}") from error
    tables = {name for (name,) in connection.execute(
        "select table_name from information_schema.tables where table_schema = 'main'"
    ).fetchall()}
    rows = {name: connection.execute(f"select count(*) from {_quote(name)}").fetchone()[0]
            for name in sorted(mart_names() & tables)}
    features: dict[str, str] = {}
    if "rpt_feature_coverage" in tables:
        features = dict(connection.execute(
            "select feature, status from rpt_feature_coverage").fetchall())
    return Warehouse(connection, tables, rows, features, max_rows)


def _mean_mrr(warehouse: Warehouse) -> float | None:
    if "dim_accounts" not in warehouse.tables:
        return None
    (mean,) = warehouse.connection.execute(
        "select avg(current_mrr)::double from dim_accounts").fetchone()
    return mean


def parse_as_of(value: str | dt.datetime | None) -> dt.datetime:
    """The reference time of freshness as a naive UTC datetime (default: now)."""
    if value is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as error:
            raise CheckError(f"--as-of: not an ISO date or time: {value!r}") from error
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


# ---------------------------------------------------------------------------------------------
# Suites
# ---------------------------------------------------------------------------------------------
def _severity(level: str):
    from great_expectations.expectations.metadata_types import FailureSeverity

    return FailureSeverity.CRITICAL if level == "error" else FailureSeverity.WARNING


def _meta(table: str, column: str | None = None, **context: Any) -> dict[str, Any]:
    return {"table": table, "column": column, "context": context}


def _row_count_suites(gx, warehouse: Warehouse, previous: dict[str, int] | None,
                      thresholds: Thresholds, notes: list[str]) -> list[Validation]:
    expect = gx.expectations
    validations = []
    for table, rows in warehouse.rows.items():
        expectations = []
        features = NON_EMPTY.get(table)
        if features and warehouse.feature_on(*features):
            expectations.append(expect.ExpectTableRowCountToBeBetween(
                min_value=1, severity=_severity("error"), meta=_meta(table),
                description=f"{table} is not empty (the raw data has what builds it: "
                f"{' or '.join(features)})"))
        elif features:
            notes.append(f"{table} may be empty: {', '.join(features)} off")
        before = (previous or {}).get(table)
        if before:
            low = math.ceil(before * (1 - thresholds.max_shrink))
            high = math.floor(before * (1 + thresholds.max_growth))
            expectations.append(expect.ExpectTableRowCountToBeBetween(
                min_value=low, max_value=high, severity=_severity("error"),
                meta=_meta(table, previous_rows=before),
                description=f"rows within -{thresholds.max_shrink:.0%} / "
                f"+{thresholds.max_growth:.0%} of the previous build's {before:,}"))
        if expectations:  # an index without columns: the exact count, no data read
            validations.append(Validation("row_counts", table,
                                          pd.DataFrame(index=pd.RangeIndex(rows)), expectations))
    if "fct_communications" in warehouse.rows:
        expected = sorted(system for feature, system in MESSAGE_FEATURES.items()
                          if warehouse.features.get(feature) in ON)
        off = [f for f in MESSAGE_FEATURES if warehouse.features.get(f) == "off"]
        if off:
            notes.append(f"no messages expected from {', '.join(MESSAGE_FEATURES[f] for f in off)}"
                         f" ({', '.join(off)} off)")
        if expected:
            frame = warehouse.df("select source_system, count(*) as message_count "
                                 "from fct_communications group by all order by 1")
            counts = {str(k): int(v) for k, v in zip(frame["source_system"],
                                                     frame["message_count"], strict=True)}
            validations.append(Validation("row_counts", "fct_communications", frame, [
                expect.ExpectColumnDistinctValuesToContainSet(
                    column="source_system", value_set=expected, severity=_severity("error"),
                    meta=_meta("fct_communications", "source_system", messages=counts),
                    description="every system whose message feature is on has messages"),
            ], suffix="source_system"))
    return validations


def _distribution_suites(gx, warehouse: Warehouse, previous_mean: float | None,
                         thresholds: Thresholds, notes: list[str]) -> list[Validation]:
    expect = gx.expectations
    validations = []
    if "dim_accounts" in warehouse.tables:
        frame = warehouse.df(f"select current_mrr::double as current_mrr "
                             f"from {warehouse.source('dim_accounts')}")
        meta = _meta("dim_accounts", "current_mrr")
        expectations = [
            expect.ExpectColumnValuesToNotBeNull(
                column="current_mrr", severity=_severity("error"), meta=meta,
                description="current_mrr is never null (0 when churned)"),
            expect.ExpectColumnValuesToBeBetween(
                column="current_mrr", min_value=0, severity=_severity("error"), meta=meta,
                description="current_mrr is not negative"),
        ]
        if previous_mean is not None:
            change = thresholds.max_mean_change
            expectations.append(expect.ExpectColumnMeanToBeBetween(
                column="current_mrr", min_value=round(previous_mean * (1 - change), 4),
                max_value=round(previous_mean * (1 + change), 4), severity=_severity("error"),
                meta=_meta("dim_accounts", "current_mrr", previous_mean=round(previous_mean, 2)),
                description=f"mean current_mrr within +-{change:.0%} of the previous build's "
                f"{previous_mean:,.2f}"))
        validations.append(Validation("distributions", "dim_accounts", frame, expectations))
    weekly = _weekly_suite(gx, warehouse, thresholds, notes)
    return validations + ([weekly] if weekly else [])


def weekly_messages(warehouse: Warehouse) -> tuple[str, pd.DataFrame]:
    """(table read, frame of complete weeks: week_start, message_count), zero-filled. A week
    (Monday start, UTC) is complete when it lies inside [first, last] message of the data."""
    span = warehouse.connection.execute(
        "select min(sent_at), max(sent_at) from fct_communications").fetchone()
    if span[0] is None:
        return "fct_communications", pd.DataFrame(columns=["week_start", "message_count"])
    if "rpt_messages_by_team_week" in warehouse.tables:
        table, sql = "rpt_messages_by_team_week", (
            "select week_start::date as week_start, sum(message_count)::bigint as message_count "
            "from rpt_messages_by_team_week group by 1")
    else:
        table, sql = "fct_communications", (
            "select date_trunc('week', sent_at)::date as week_start, count(*) as message_count "
            "from fct_communications group by 1")
    counts = dict(warehouse.connection.execute(sql).fetchall())
    first, last = pd.Timestamp(span[0]), pd.Timestamp(span[1])
    start = (first.normalize() - pd.Timedelta(days=first.weekday()))
    start += pd.Timedelta(days=7) if start < first else pd.Timedelta(0)
    end = last.normalize() - pd.Timedelta(days=last.weekday())  # the (partial) last week
    end -= pd.Timedelta(days=7) if end + pd.Timedelta(days=7) > last else pd.Timedelta(0)
    weeks = pd.date_range(start, end, freq="7D") if start <= end else []
    return table, pd.DataFrame({
        "week_start": [w.date() for w in weeks],
        "message_count": [int(counts.get(w.date(), 0)) for w in weeks],
    })


def _weekly_suite(gx, warehouse: Warehouse, thresholds: Thresholds,
                  notes: list[str]) -> Validation | None:
    if "fct_communications" not in warehouse.tables:
        return None
    table, weeks = weekly_messages(warehouse)
    if len(weeks) < 2:
        notes.append(f"messages per week not checked: {len(weeks)} complete week(s)")
        return None
    median = float(statistics.median(weeks["message_count"]))
    latest = weeks.tail(1).assign(week_start=lambda f: f["week_start"].astype(str))
    week = latest["week_start"].iloc[0]
    return Validation("distributions", table, latest.reset_index(drop=True), [
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="message_count", min_value=round(thresholds.min_week_share * median, 2),
            severity=_severity("warning"),
            meta=_meta(table, "message_count", week_start=week,
                       messages=int(latest["message_count"].iloc[0]), median_week=median,
                       complete_weeks=len(weeks)),
            description=f"messages in the latest complete week ({week}) are at least "
            f"{thresholds.min_week_share:.0%} of the median complete week ({median:,.0f} "
            f"over {len(weeks)} weeks)"),
    ], suffix="messages_per_week")


def _format_suites(gx, warehouse: Warehouse, thresholds: Thresholds) -> list[Validation]:
    if "dim_contacts" not in warehouse.tables:
        return []
    frame = warehouse.df(f"select email from {warehouse.source('dim_contacts')}")
    return [Validation("formats", "dim_contacts", frame, [
        gx.expectations.ExpectColumnValuesToMatchRegex(
            column="email", regex=EMAIL_REGEX, mostly=thresholds.email_mostly,
            severity=_severity("error"), meta=_meta("dim_contacts", "email"),
            description=f"emails look like an address (at least {thresholds.email_mostly:.0%} "
            "of non-null values)"),
    ])]


def _reference_suites(gx, warehouse: Warehouse) -> list[Validation]:
    """Per reference, a frame of the child values (not null; a sample of a big child) and the
    parent key they find ("parent.column", null when not found): the two must be equal."""
    validations = []
    for ref in REFERENCES:
        if ref.table not in warehouse.tables or ref.parent not in warehouse.tables:
            continue
        column = _quote(ref.column)
        value = (f"trim(unnest(string_split({column}, '{ref.separator}')))"
                 if ref.separator else column)
        parent_key = f"{ref.parent}.{ref.parent_column}"
        frame = warehouse.df(f"""
            with child as (
                select {value} as value from {warehouse.source(ref.table)}
                where {column} is not null
            ),
            parent as (select distinct {_quote(ref.parent_column)} as value
                       from {_quote(ref.parent)})
            select child.value as {column}, parent.value as {_quote(parent_key)}
            from child left join parent on child.value = parent.value
            where child.value is not null and child.value <> ''
        """)
        each = "each id of " if ref.separator else ""
        validations.append(Validation("referential_integrity", ref.table, frame, [
            gx.expectations.ExpectColumnPairValuesToBeEqual(
                column_A=ref.column, column_B=parent_key, ignore_row_if="both_values_are_missing",
                severity=_severity("error"), meta=_meta(ref.table, ref.column),
                description=f"{each}{ref.table}.{ref.column} (where not null) is a "
                f"{parent_key} (left join: equal when found)"),
        ], suffix=ref.column))
    return validations


def _freshness_expectations(expectation, table: str, column: str, as_of: dt.datetime,
                            thresholds: Thresholds, what: str) -> list:
    """A warning and an error expectation that `column` is no older than the thresholds."""
    expectations = []
    for level, days in (("warning", thresholds.warn_after_days),
                        ("error", thresholds.error_after_days)):
        expectations.append(expectation(
            column=column, min_value=as_of - dt.timedelta(days=days), severity=_severity(level),
            meta=_meta(table, column, as_of=as_of.isoformat(sep=" ")),
            description=f"{what} at most {days:g} days before {as_of:%Y-%m-%d %H:%M} UTC "
            f"({level} after that)"))
    return expectations


def _freshness_suites(gx, warehouse: Warehouse, as_of: dt.datetime,
                      thresholds: Thresholds) -> list[Validation]:
    if "fct_communications" not in warehouse.tables:
        return []
    frame = warehouse.df("select max(sent_at) as sent_at from fct_communications")
    expectations = _freshness_expectations(
        gx.expectations.ExpectColumnMaxToBeBetween, "fct_communications", "sent_at", as_of,
        thresholds, "the newest message is")
    validations = [Validation("freshness", "fct_communications", frame, expectations)]
    return validations + _source_freshness_suites(gx, warehouse, as_of, thresholds)


def _source_freshness_suites(gx, warehouse: Warehouse, as_of: dt.datetime,
                             thresholds: Thresholds) -> list[Validation]:
    """Source freshness: each system's newest connector sync (_fivetran_synced, per file in
    rpt_load_reconciliation) is recent; systems without sync times are not judged."""
    if "rpt_load_reconciliation" not in warehouse.tables:
        return []
    # per system: a connector re-lands only changed rows, so an unchanged table's newest
    # sync is old; the system's newest sync says when its connector last delivered
    frame = warehouse.df(
        "select source_system, max(newest_synced_at) as newest_synced_at "
        "from rpt_load_reconciliation where newest_synced_at is not null group by 1")
    if frame.empty:
        return []
    expectations = _freshness_expectations(
        gx.expectations.ExpectColumnMinToBeBetween, "rpt_load_reconciliation",
        "newest_synced_at", as_of, thresholds, "every system's connector last delivered")
    return [Validation("freshness", "rpt_load_reconciliation", frame, expectations)]


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------
def _context(gx, docs: Path | None):
    """An ephemeral context (analytics and progress bars off) whose Data Docs site, if any,
    is the folder `docs`."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {} if docs is None else {"check": {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }}
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _jsonable(value.item())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _result(validation: Validation, outcome) -> CheckResult:
    config = outcome.expectation_config
    meta = config.meta or {}
    result = outcome.result or {}
    observed: dict[str, Any] = {}
    if "unexpected_count" in result:
        examples = []
        for value in result.get("partial_unexpected_list") or []:
            value = value[0] if isinstance(value, list | tuple) else value  # pairs: the child
            text = str(value) if len(str(value)) <= 60 else str(value)[:57] + "..."
            if text not in examples:
                examples.append(text)
        observed.update(
            nonnull_count=result.get("element_count", 0) - result.get("missing_count", 0),
            unexpected_count=result["unexpected_count"],
            unexpected_percent=round(result.get("unexpected_percent") or 0.0, 4),
            examples=examples[:MAX_EXAMPLES])
        if config.kwargs.get("mostly") is not None and config.kwargs["mostly"] < 1:
            observed["allowed_percent"] = round(100 * (1 - config.kwargs["mostly"]), 4)
    elif result.get("observed_value") is not None:
        observed["observed_value"] = _jsonable(result["observed_value"])
    if result.get("partial_missing_list"):  # the set expectations: values not found
        observed["missing"] = _jsonable(result["partial_missing_list"])
    context = dict(meta.get("context") or {})
    if "as_of" in context and isinstance(result.get("observed_value"), dt.datetime):
        age = dt.datetime.fromisoformat(context["as_of"]) - result["observed_value"]
        context["age_days"] = round(age.total_seconds() / 86400, 2)
    observed.update(context)
    exception = outcome.exception_info or {}
    if exception.get("raised_exception"):
        observed["error"] = str(exception.get("exception_message"))
    kwargs = {k: _jsonable(v) for k, v in config.kwargs.items() if k not in ("batch_id",)}
    return CheckResult(
        suite=validation.name, category=validation.category,
        table=meta.get("table", validation.table), column=meta.get("column"),
        expectation=config.type, severity="warning" if str(config.severity.value) in
        ("warning", "info") else "error", passed=bool(outcome.success),
        description=config.description or config.type, kwargs=kwargs, observed=observed)


def _missing_tables(warehouse: Warehouse) -> list[CheckResult]:
    """A table the checks read that the build lacks is an error of its own."""
    needed = {"dim_accounts", "dim_contacts", "fct_communications", "fct_cadence_violations"}
    return [CheckResult(suite="tables", category="row_counts", table=table, column=None,
                        expectation="table_exists", severity="error", passed=False,
                        description=f"the warehouse has the mart {table}",
                        observed={"observed_value": "missing"})
            for table in sorted(needed - warehouse.tables)]


def check_warehouse(
    db: Path | str, previous: Path | str | None = None, out: Path | str | None = DEFAULT_OUT, *,
    as_of: str | dt.datetime | None = None, thresholds: Thresholds | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> CheckReport:
    """Validate the marts of the warehouse file `db` (opened read-only) and, with `out`,
    write `out/check_report.json` and GX Data Docs (`out/data_docs/index.html`).

    `previous` is the warehouse file of an earlier build: row counts and mean MRR are then
    compared with its own. `as_of` (ISO text or datetime, default now, UTC) is the reference
    of freshness. Raises `CheckError` only when the check cannot run (no file, bad option);
    failed expectations are in the report (`report.ok` False when one of severity error did).
    """
    started = time.perf_counter()
    thresholds = thresholds or Thresholds()
    thresholds.validate()
    as_of_time = parse_as_of(as_of)
    db = Path(db)
    previous_rows, previous_mean = None, None
    if previous is not None:
        before = _open(Path(previous), None)
        try:
            previous_rows, previous_mean = before.rows, _mean_mrr(before)
        finally:
            before.connection.close()
    warehouse = _open(db, max_rows)
    report = CheckReport(db=str(db), previous=str(previous) if previous else None,
                         as_of=as_of_time.isoformat(sep=" "), thresholds=thresholds,
                         max_rows=max_rows, rows=dict(warehouse.rows))
    docs = Path(out) / "data_docs" if out is not None else None
    try:
        with QuietGX():
            import great_expectations as gx

            validations = (
                _row_count_suites(gx, warehouse, previous_rows, thresholds, report.notes)
                + _distribution_suites(gx, warehouse, previous_mean, thresholds, report.notes)
                + _format_suites(gx, warehouse, thresholds)
                + _reference_suites(gx, warehouse)
                + _freshness_suites(gx, warehouse, as_of_time, thresholds))
            if docs is not None and (docs / "index.html").is_file():
                shutil.rmtree(docs)  # the previous run's pages
            context = _context(gx, docs)
            report.results = _missing_tables(warehouse) + _run(gx, context, validations)
            if docs is not None:
                index = context.build_data_docs().get("check")
                report.data_docs = str(docs / "index.html") if index else None
    finally:
        warehouse.connection.close()
    if previous is None:
        report.notes.append("no previous build (--previous): row-count and mean bands skipped")
    report.sampled = {table: max_rows for table in SAMPLED_READS
                      if max_rows is not None and report.rows.get(table, 0) > max_rows}
    report.great_expectations_version = gx.__version__
    report.seconds = round(time.perf_counter() - started, 2)
    if out is not None:
        write_report(report, Path(out))
    return report


def _run(gx, context, validations: list[Validation]) -> list[CheckResult]:
    from great_expectations.core.run_identifier import RunIdentifier

    run_id = RunIdentifier(run_name="clearinghouse-check",
                           run_time=dt.datetime.now(dt.UTC))  # one run in the Data Docs
    # One asset and batch definition for every frame (each asset added re-saves the whole
    # context configuration); the frame is the run's batch parameter.
    batch = context.data_sources.add_pandas("warehouse").add_dataframe_asset("marts") \
        .add_batch_definition_whole_dataframe("frame")
    results = []
    for validation in validations:
        suite = gx.ExpectationSuite(name=validation.name)
        for expectation in validation.expectations:
            suite.add_expectation(expectation)
        suite = context.suites.add(suite)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=validation.name, data=batch, suite=suite))
        outcome = definition.run(
            batch_parameters={"dataframe": validation.frame}, run_id=run_id,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20})
        results.extend(_result(validation, r) for r in outcome.results)
    return results


def write_report(report: CheckReport, out: Path) -> Path:
    """Write `out/check_report.json` (every expectation and its result); return its path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "check_report.json"
    report.report_path = str(path)
    path.write_text(json.dumps(_jsonable(report.to_dict()), indent=2, default=str) + "\n",
                    encoding="utf-8")
    return path

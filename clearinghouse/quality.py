"""Data-quality checks on the raw connector exports, before a build (Great Expectations 1.x).

`check_raw(raw, fmt)` reads every table of `RAW_TABLES` from `<raw>/<system>/<table>.<fmt>`
with DuckDB (all text, trimmed, empty = null, as staging's `as_text` does), validates it with
an expectation suite built in code from the contract, and returns a `QualityReport`: per
table the row count and every check with its severity (`error` fails the report, `warning`
does not) and what was observed. Missing or unreadable files are errors in the report, not
exceptions. See docs/quality.md.
"""

from __future__ import annotations

import json
import logging
import re
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from clearinghouse.paths import PROJECT_ROOT
from clearinghouse.raw_schema import RAW_TABLES

FORMATS = ("csv", "parquet")
DEFAULT_MAX_ROWS = 500_000  # above this a table is validated on a reservoir sample
MAX_EXAMPLES = 5

# ---------------------------------------------------------------------------------------------
# Which columns get which check: naming rules over the contract (RAW_TABLES), so they also
# hold for real exports. Booleans are classified first (`cancel_at_period_end` is a flag).
# ---------------------------------------------------------------------------------------------
BOOLEAN_NAMES = frozenset({
    "active", "attempted", "bounced", "cancel_at_period_end", "captured", "deleted",
    "delinquent", "do_not_call", "filtered_event", "livemode", "paid", "public", "refunded",
    "shared_comments", "shared_tickets", "suspended", "verified",
})
BOOLEAN_PREFIXES = ("is_", "has_")
BOOLEAN_SUFFIXES = ("_deleted", "_optout")  # _fivetran_deleted, property_hs_email_optout

TIMESTAMP_NAMES = frozenset({
    "billing_cycle_anchor", "current_period_end", "current_period_start", "period_end",
    "period_start", "trial_end", "trial_start",
})
TIMESTAMP_SUFFIXES = (
    "_at", "_date", "_date_time", "_synced", "created", "createdate", "modifieddate",
)

EMAIL_NAMES = frozenset({
    "email", "property_email", "recipient", "customer_email", "receipt_email",
})

# Accepted timestamp spellings (the ones staging's parse_timestamp reads), anchored below.
TIMESTAMP_FORMATS: dict[str, str] = {
    "naive 'YYYY-MM-DD HH:MM:SS[.f]' (UTC)":
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?",
    "ISO-8601 with Z or offset, optional fraction":
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
        r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)",
    "epoch seconds (9-11 digits)": r"-?[0-9]{9,11}",
    "epoch milliseconds (12-13 digits)": r"-?[0-9]{12,13}",
    "date 'YYYY-MM-DD'": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
TIMESTAMP_REGEX = "^(?:" + "|".join(f"(?:{p})" for p in TIMESTAMP_FORMATS.values()) + ")$"
# staging's parse_boolean also reads y/n, so they are accepted too
BOOLEAN_REGEX = r"(?i)^(?:true|false|t|f|1|0|yes|no|y|n)$"
EMAIL_REGEX = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # staging's regexp_like_email, on trimmed text

MOSTLY = {"timestamp": 0.99, "boolean": 0.99, "email": 0.95}


def is_boolean_column(name: str) -> bool:
    return (name in BOOLEAN_NAMES or name.startswith(BOOLEAN_PREFIXES)
            or name.endswith(BOOLEAN_SUFFIXES))


def is_timestamp_column(name: str) -> bool:
    if is_boolean_column(name):
        return False
    return name in TIMESTAMP_NAMES or name.endswith(TIMESTAMP_SUFFIXES)


def is_email_column(name: str) -> bool:
    return name in EMAIL_NAMES


def _per_table(rule) -> dict[str, list[str]]:
    return {
        f"{system}/{table}": [c for c in columns if rule(c)]
        for system, tables in RAW_TABLES.items()
        for table, columns in tables.items()
    }


# The per-table lists, keyed "system/table" (the keys `generate()` returns).
TIMESTAMP_COLUMNS = _per_table(is_timestamp_column)
BOOLEAN_COLUMNS = _per_table(is_boolean_column)
EMAIL_COLUMNS = _per_table(is_email_column)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    """One expectation (or file-level check) on one table."""

    check: str  # GX expectation type, or file_exists / file_readable
    severity: str  # "error" | "warning"
    passed: bool
    description: str
    column: str | None = None
    observed: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """One line: what was checked and, on failure, what was seen."""
        where = f"{self.column}: " if self.column else ""
        text = f"{where}{self.description}"
        seen = self.observed
        if "missing_columns" in seen and seen["missing_columns"]:
            text += f" -- missing: {', '.join(seen['missing_columns'])}"
        if "duplicate_rows" in seen and seen.get("unexpected_count"):
            text += (f" -- {seen['duplicate_rows']:,} repeated rows "
                     f"({100 * seen['duplicate_share']:.2f}% of rows); "
                     f"{seen['unexpected_percent']:.2f}% of rows share their id")
        elif "unexpected_percent" in seen and seen.get("unexpected_count"):
            text += (f" -- {seen['unexpected_percent']:.2f}% of {seen['nonnull_count']:,} "
                     f"non-null values fail")
            if "allowed_percent" in seen:
                text += f" (allowed {seen['allowed_percent']:g}%)"
        if seen.get("examples"):
            text += " e.g. " + ", ".join(repr(e) for e in seen["examples"])
        if seen.get("error"):
            text += f" -- {seen['error']}"
        return text


@dataclass
class TableReport:
    system: str
    table: str
    path: str
    rows: int | None = None  # rows in the file (None when missing/unreadable)
    validated_rows: int | None = None  # rows given to GX (< rows when sampled)
    sampled: bool = False
    columns: list[str] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.system}/{self.table}"

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed and c.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed and c.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def failed(self, column: str | None = None) -> list[CheckResult]:
        return [c for c in self.checks
                if not c.passed and (column is None or c.column == column)]


@dataclass
class QualityReport:
    raw: str
    fmt: str
    tables: list[TableReport]
    seconds: float = 0.0
    max_rows: int | None = None
    great_expectations_version: str = ""

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def errors(self) -> list[tuple[str, CheckResult]]:
        return [(t.key, c) for t in self.tables for c in t.errors]

    @property
    def warnings(self) -> list[tuple[str, CheckResult]]:
        return [(t.key, c) for t in self.tables for c in t.warnings]

    def table(self, key: str) -> TableReport:
        """The report of one table, by "system/table"."""
        return next(t for t in self.tables if t.key == key)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["error_count"] = len(self.errors)
        data["warning_count"] = len(self.warnings)
        for table, table_data in zip(self.tables, data["tables"], strict=True):
            table_data["ok"] = table.ok
            for check, check_data in zip(table.checks, table_data["checks"], strict=True):
                check_data["message"] = check.message
        return data


# ---------------------------------------------------------------------------------------------
# Which columns staging reads (a missing one is an error; a missing contract-only one a warning)
# ---------------------------------------------------------------------------------------------
_SOURCE_CALL = re.compile(r"source\(\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]\s*\)")
_COMMENTS = re.compile(r"\{#.*?#\}|--[^\n]*", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def columns_read_by_staging(models: Path | None = None) -> dict[str, set[str]] | None:
    """Contract columns each staging model mentions, keyed "system/table"; None without models.

    A column counts as read when its name appears as a word in a staging model that selects
    from the table (`as_text('email')`, `parse_timestamp('created')`...), plus `id` and
    `_fivetran_synced`, which `latest_version` uses. Conservative: a word that is also SQL
    (e.g. a `source` column) counts as read.
    """
    models = models or PROJECT_ROOT / "models" / "staging"
    if not models.is_dir():
        return None
    read: dict[str, set[str]] = {}
    for sql_file in sorted(models.rglob("*.sql")):
        text = _COMMENTS.sub(" ", sql_file.read_text(encoding="utf-8"))
        words = set(_WORD.findall(text))
        for system, table in _SOURCE_CALL.findall(text):
            contract = RAW_TABLES.get(system, {}).get(table)
            if contract is None:
                continue
            used = {c for c in contract if c in words} | {"id", "_fivetran_synced"}
            read.setdefault(f"{system}/{table}", set()).update(used & set(contract))
    return read


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _source_sql(path: Path, fmt: str) -> str:
    if fmt == "csv":  # the options staging's external location uses
        return f"read_csv({_sql_string(str(path))}, all_varchar = true, header = true)"
    return f"read_parquet({_sql_string(str(path))})"


def _read_table(
    connection: duckdb.DuckDBPyConnection, path: Path, fmt: str, checked: set[str],
    max_rows: int | None,
) -> tuple[pd.DataFrame, list[str], int, bool]:
    """(frame, file columns lower-cased, file rows, sampled).

    Every column the file has is in the frame (so the column-set expectation sees the real
    header), but only the checked ones carry data: the others are loaded as nulls to keep
    memory down. Checked values are text, trimmed, empty -> null (staging's `as_text`).
    """
    source = _source_sql(path, fmt)
    file_columns = connection.sql(f"select * from {source} limit 0").columns
    rows = connection.execute(f"select count(*) from {source}").fetchall()[0][0]
    select, seen = [], set()
    for column in file_columns:
        name = column.lower()  # DuckDB (and so staging) matches identifiers case-insensitively
        if name in seen:
            continue
        seen.add(name)
        if name in checked:
            expr = f"nullif(trim(cast({_quote(column)} as varchar)), '')"
        else:
            expr = "cast(null as varchar)"
        select.append(f"{expr} as {_quote(name)}")
    sampled = max_rows is not None and rows > max_rows
    sample = f" using sample reservoir({int(max_rows)} rows) repeatable (42)" if sampled else ""
    frame = connection.sql(f"select {', '.join(select)} from {source}{sample}").df()
    return frame, list(seen), rows, sampled


# ---------------------------------------------------------------------------------------------
# Expectations
# ---------------------------------------------------------------------------------------------
def _build_suite(gx, name: str, key: str, present: set[str], read: set[str] | None):
    """The suite of one table: derived from the contract and the columns actually present."""
    from great_expectations.expectations.metadata_types import FailureSeverity

    error, warning = FailureSeverity.CRITICAL, FailureSeverity.WARNING
    expectations = gx.expectations
    system, table = key.split("/")
    contract = RAW_TABLES[system][table]
    required = [c for c in contract if read is None or c in read]
    optional = [c for c in contract if c not in required]

    suite = gx.ExpectationSuite(name=name)
    add = suite.add_expectation
    add(expectations.ExpectTableColumnsToMatchSet(
        column_set=required, exact_match=False, severity=error,
        description="the columns staging reads are present"))
    if optional:
        add(expectations.ExpectTableColumnsToMatchSet(
            column_set=optional, exact_match=False, severity=warning,
            description="the other contract columns are present (staging does not read them)"))
    add(expectations.ExpectTableRowCountToBeBetween(
        min_value=1, severity=warning, description="the table is not empty"))
    if "id" in present:
        add(expectations.ExpectColumnValuesToNotBeNull(
            column="id", severity=error, description="id is never null"))
        add(expectations.ExpectColumnValuesToBeUnique(
            column="id", severity=warning,
            description="id is unique (repeats are re-landed versions; staging keeps the latest)"))
    for column in TIMESTAMP_COLUMNS[key]:
        if column in present:
            add(expectations.ExpectColumnValuesToMatchRegex(
                column=column, regex=TIMESTAMP_REGEX, mostly=MOSTLY["timestamp"],
                severity=error, description="timestamps are in an accepted format"))
    for column in BOOLEAN_COLUMNS[key]:
        if column in present:
            add(expectations.ExpectColumnValuesToMatchRegex(
                column=column, regex=BOOLEAN_REGEX, mostly=MOSTLY["boolean"], severity=error,
                description="booleans are true/false/t/f/1/0/yes/no (any case)"))
    for column in EMAIL_COLUMNS[key]:
        if column in present:
            add(expectations.ExpectColumnValuesToMatchRegex(
                column=column, regex=EMAIL_REGEX, mostly=MOSTLY["email"], severity=error,
                description="emails are shaped like an address"))
    return suite


def _examples(result: dict[str, Any]) -> list[str]:
    examples: list[str] = []
    for value in result.get("partial_unexpected_list") or []:
        text = str(value)
        text = text if len(text) <= 60 else text[:57] + "..."
        if text not in examples:
            examples.append(text)
        if len(examples) == MAX_EXAMPLES:
            break
    return examples


def _check_result(validation, frame: pd.DataFrame) -> CheckResult:
    config = validation.expectation_config
    kwargs = config.kwargs
    result = validation.result or {}
    severity = "warning" if str(config.severity.value) in ("warning", "info") else "error"
    observed: dict[str, Any] = {}
    if config.type == "expect_table_columns_to_match_set":
        missing = ((result.get("details") or {}).get("mismatched") or {}).get("missing") or []
        observed["missing_columns"] = sorted(missing)
    elif config.type == "expect_table_row_count_to_be_between":
        observed["row_count"] = result.get("observed_value")
    elif "unexpected_count" in result:
        nonnull = result.get("element_count", 0) - result.get("missing_count", 0)
        observed.update(
            nonnull_count=nonnull,
            unexpected_count=result["unexpected_count"],
            unexpected_percent=round(result.get("unexpected_percent") or 0.0, 4),
            examples=_examples(result),
        )
        if kwargs.get("mostly") is not None:
            observed["allowed_percent"] = round(100 * (1 - kwargs["mostly"]), 4)
        if config.type == "expect_column_values_to_be_unique":
            ids = frame[kwargs["column"]].dropna()
            repeats = int(ids.duplicated().sum())
            observed.update(duplicate_rows=repeats,
                            duplicate_share=round(repeats / len(frame), 6) if len(frame) else 0.0)
    exception = validation.exception_info or {}
    if exception.get("raised_exception"):
        observed["error"] = str(exception.get("exception_message"))
    return CheckResult(
        check=config.type, severity=severity, passed=bool(validation.success),
        description=config.description or config.type, column=kwargs.get("column"),
        observed=observed,
    )


class _QuietGX:
    """Silence GX's logging and warnings for the duration of a check."""

    def __enter__(self):
        self._logger = logging.getLogger("great_expectations")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        return self

    def __exit__(self, *exc):
        self._warnings.__exit__(*exc)
        self._logger.setLevel(self._level)
        return False


def _context(gx):
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,  # no usage statistics sent from a data check
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
def check_raw(
    raw: Path | str, fmt: str = "csv", out: Path | str | None = None, *,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> QualityReport:
    """Validate the raw exports in `raw` (`<system>/<table>.<fmt>`) before a build.

    Returns the report (never raises for bad data or missing files; `report.ok` is False
    when any error-severity check failed). With `out`, also writes `out/quality_report.json`
    and `out/quality_report.md`. Tables with more than `max_rows` rows are validated on a
    reservoir sample of `max_rows` rows (row counts stay exact); `None` reads everything.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    started = time.perf_counter()
    raw = Path(raw)
    with _QuietGX():
        import great_expectations as gx

        context = _context(gx)
        datasource = context.data_sources.add_pandas("raw_exports")
        read_by_staging = columns_read_by_staging()
        connection = duckdb.connect()
        tables: list[TableReport] = []
        try:
            for system, system_tables in RAW_TABLES.items():
                for table in system_tables:
                    tables.append(_check_table(
                        gx, context, datasource, connection, raw, system, table, fmt,
                        None if read_by_staging is None
                        else read_by_staging.get(f"{system}/{table}", set(system_tables[table])),
                        max_rows,
                    ))
        finally:
            connection.close()
    report = QualityReport(
        raw=str(raw), fmt=fmt, tables=tables, seconds=round(time.perf_counter() - started, 2),
        max_rows=max_rows, great_expectations_version=gx.__version__,
    )
    if out is not None:
        write_report(report, Path(out))
    return report


def _check_table(gx, context, datasource, connection, raw: Path, system: str, table: str,
                 fmt: str, read: set[str] | None, max_rows: int | None) -> TableReport:
    key = f"{system}/{table}"
    path = raw / system / f"{table}.{fmt}"
    report = TableReport(system=system, table=table, path=str(path))
    if not path.is_file():
        other = [p.name for p in (raw / system).glob(f"{table}.*") if p.is_file()] \
            if (raw / system).is_dir() else []
        hint = f" (found {', '.join(other)}: wrong --format?)" if other else ""
        report.checks.append(CheckResult(
            check="file_exists", severity="error", passed=False,
            description=f"missing file {path}{hint}"))
        return report
    checked = {"id", *TIMESTAMP_COLUMNS[key], *BOOLEAN_COLUMNS[key], *EMAIL_COLUMNS[key]}
    try:
        frame, columns, rows, sampled = _read_table(connection, path, fmt, checked, max_rows)
    except duckdb.Error as error:
        report.checks.append(CheckResult(
            check="file_readable", severity="error", passed=False,
            description=f"cannot read {path}", observed={"error": str(error).splitlines()[0]}))
        return report
    report.rows, report.validated_rows, report.sampled = rows, len(frame), sampled
    report.columns = columns

    name = key.replace("/", "__")
    suite = context.suites.add(_build_suite(gx, name, key, set(columns), read))
    batch_definition = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(
        "whole_file")
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite))
    result = validation.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
    )
    report.checks.extend(_check_result(r, frame) for r in result.results)
    return report


def format_report(report: QualityReport) -> str:
    """Plain-text summary for the terminal: one line per table, then its failed checks."""
    status = "OK" if report.ok else "FAILED"
    lines = [
        f"raw data quality: {status} -- {len(report.errors)} errors, "
        f"{len(report.warnings)} warnings, {len(report.tables)} tables in {report.raw} "
        f"({report.fmt}, {report.seconds:.1f}s)"
    ]
    width = max(len(t.key) for t in report.tables) if report.tables else 0
    for table in report.tables:
        rows = "-" if table.rows is None else f"{table.rows:,}"
        if table.sampled:
            rows += f" (sampled {table.validated_rows:,})"
        verdict = "ok" if table.ok else "ERROR"
        counts = f"{len(table.errors)} errors, {len(table.warnings)} warnings"
        lines.append(f"  {table.key:<{width}}  {rows:>10} rows  {verdict:<5} {counts}")
        for check in table.errors + table.warnings:
            lines.append(f"      {check.severity}: {check.message}")
    return "\n".join(lines)


def format_markdown(report: QualityReport) -> str:
    status = "OK" if report.ok else "FAILED"
    lines = [
        "# Raw data quality report",
        "",
        f"- raw folder: `{report.raw}` ({report.fmt})",
        f"- result: **{status}**: {len(report.errors)} errors, {len(report.warnings)} warnings "
        f"over {len(report.tables)} tables",
        f"- Great Expectations {report.great_expectations_version}, {report.seconds:.1f} s"
        + (f"; tables over {report.max_rows:,} rows are validated on a reservoir sample"
           if report.max_rows else ""),
        "",
        "| table | rows | validated | checks | errors | warnings |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in report.tables:
        rows = "missing" if t.rows is None else f"{t.rows:,}"
        validated = "-" if t.validated_rows is None else f"{t.validated_rows:,}"
        validated += " (sample)" if t.sampled else ""
        lines.append(f"| {t.key} | {rows} | {validated} | {len(t.checks)} | "
                     f"{len(t.errors)} | {len(t.warnings)} |")
    failing = [t for t in report.tables if t.errors or t.warnings]
    if failing:
        lines += ["", "## Failed checks", ""]
        for t in failing:
            lines.append(f"### {t.key}")
            lines.append("")
            for check in t.errors + t.warnings:
                message = check.message.replace("|", "\\|")
                lines.append(f"- **{check.severity}** `{check.check}`: {message}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_report(report: QualityReport, out: Path) -> tuple[Path, Path]:
    """Write `out/quality_report.json` and `out/quality_report.md`; return both paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "quality_report.json", out / "quality_report.md"
    json_path.write_text(json.dumps(report.to_dict(), indent=2, default=str) + "\n",
                         encoding="utf-8")
    md_path.write_text(format_markdown(report), encoding="utf-8")
    return json_path, md_path

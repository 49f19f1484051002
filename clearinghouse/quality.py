"""Data-quality checks on the raw connector exports, before a build (Great Expectations 1.x).

`check_raw(raw, fmt)` first runs the inspection (`clearinghouse.inspection.inspect_raw`): it
finds the systems present (a system whose folder is absent is not in use), the file holding
each contract table in whatever layout and naming style the export uses (`UserRole.csv`,
`CreatedDate`, Stripe `subscription_history`...), and reports the structural problems
(missing required tables or columns, unreadable or empty files). Its errors and warnings are
the report's structural checks. Every file it found is then read the way staging reads it
(`TableReport.relation`: CSV options, null spellings, encoding), its contract columns are
selected under their contract names, and it is validated with an expectation suite built in
code from the contract's column types (`models/staging/*/_*__sources.yml`, through
`clearinghouse.contract`). The result is a `QualityReport`: per table the row count and every
check with its severity (`error` fails the report, `warning` does not) and what was observed.
Bad data and missing files are errors in the report, not exceptions. See docs/quality.md.
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

from clearinghouse.contract import Table, load_contract
from clearinghouse.inspection import Inspection, inspect_raw
from clearinghouse.inspection import TableReport as FileReport
from clearinghouse.parsing import patterns

FORMATS = ("csv", "parquet")
DEFAULT_MAX_ROWS = 500_000  # above this a table is validated on a sample of about this many rows
MAX_EXAMPLES = 5

# ---------------------------------------------------------------------------------------------
# Which columns get which check: the contract's data_type (timestamp and date columns get the
# timestamp-format check, boolean columns the boolean check), plus the email columns by name.
# ---------------------------------------------------------------------------------------------
TIMESTAMP_TYPES = frozenset({"timestamp", "date"})
BOOLEAN_TYPES = frozenset({"boolean"})
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
    "epoch seconds (9-11 digits)": patterns()["epoch_seconds_pattern"],
    "epoch milliseconds (12-13 digits)": patterns()["epoch_milliseconds_pattern"],
    "date 'YYYY-MM-DD'": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
TIMESTAMP_REGEX = "^(?:" + "|".join(f"(?:{p})" for p in TIMESTAMP_FORMATS.values()) + ")$"
# staging's parse_boolean also reads y/n, so they are accepted too
BOOLEAN_REGEX = r"(?i)^(?:true|false|t|f|1|0|yes|no|y|n)$"
EMAIL_REGEX = f"^{patterns()['email_pattern']}$"  # staging's regexp_like_email, on trimmed text

MOSTLY = {"timestamp": 0.99, "boolean": 0.99, "email": 0.95}


def is_email_column(name: str) -> bool:
    return name in EMAIL_NAMES


def _per_table(rule) -> dict[str, list[str]]:
    return {
        table.key: [column.name for column in table.columns if rule(column)]
        for system in load_contract().values()
        for table in system.tables.values()
    }


# The per-table lists, keyed "system/table" (every table of the contract, in contract order).
TIMESTAMP_COLUMNS = _per_table(lambda column: column.data_type in TIMESTAMP_TYPES)
BOOLEAN_COLUMNS = _per_table(lambda column: column.data_type in BOOLEAN_TYPES)
EMAIL_COLUMNS = _per_table(lambda column: is_email_column(column.name))


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    """One expectation, or one structural check from the inspection, on one table."""

    check: str  # GX expectation type, or a structural check (STRUCTURAL_CHECKS)
    severity: str  # "error" | "warning"
    passed: bool
    description: str
    column: str | None = None  # the contract name
    observed: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """One line: what was checked and, on failure, what was seen."""
        where = ""
        if self.column:
            header = self.observed.get("header")
            where = f"{self.column} (file: {header}): " if header else f"{self.column}: "
        text = f"{where}{self.description}"
        seen = self.observed
        missing = [c for c in seen.get("missing_columns") or [] if c not in self.description]
        if missing:
            text += f" -- missing: {', '.join(missing)}"
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
    table: str  # the contract table (the layout found: `subscription_history`, `plan`...)
    path: str | None  # the file (None when the table has no file)
    format: str | None = None  # csv | parquet
    encoding: str | None = None  # None (UTF-8) or the fallback that read it (latin-1)
    rows: int | None = None  # rows in the file (None when missing/unreadable)
    validated_rows: int | None = None  # rows given to GX (< rows when sampled)
    sampled: bool = False
    columns: list[str] = field(default_factory=list)  # contract columns present
    file_columns: dict[str, str] = field(default_factory=dict)  # contract -> header name
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


RAW_KEY = "raw"  # the key of structural problems of the whole folder (QualityReport.problems)


@dataclass
class QualityReport:
    raw: str
    fmt: str  # the preferred format (a table with both files is read in this one)
    tables: list[TableReport]
    seconds: float = 0.0
    max_rows: int | None = None
    great_expectations_version: str = ""
    systems: dict[str, bool] = field(default_factory=dict)  # system -> folder present
    problems: list[CheckResult] = field(default_factory=list)  # not about one table

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[tuple[str, CheckResult]]:
        return ([(RAW_KEY, c) for c in self.problems if not c.passed and c.severity == "error"]
                + [(t.key, c) for t in self.tables for c in t.errors])

    @property
    def warnings(self) -> list[tuple[str, CheckResult]]:
        return ([(RAW_KEY, c) for c in self.problems
                 if not c.passed and c.severity == "warning"]
                + [(t.key, c) for t in self.tables for c in t.warnings])

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
        for check, check_data in zip(self.problems, data["problems"], strict=True):
            check_data["message"] = check.message
        return data


# ---------------------------------------------------------------------------------------------
# Structure: the inspection's errors and warnings, each attached to the table it is about
# ---------------------------------------------------------------------------------------------
STRUCTURAL_CHECKS = {
    "file_exists": "a required table has a file (or: an optional table is absent)",
    "file_readable": "the file can be read (and is not empty)",
    "required_columns": "the file has the contract's required columns",
    "file_has_rows": "the file has rows, not only a header",
    "one_layout": "one layout of the table is present",
    "raw_structure": "the raw folder has system folders",
}


def _structural_check(message: str, severity: str, file: FileReport | None,
                      table_found: bool) -> CheckResult:
    """A problem the inspection reported, as a failed check (named from the state it found)."""
    if file is not None and file.error:
        check = "file_readable"
    elif file is not None and severity == "error" and file.missing_required:
        check = "required_columns"
    elif file is not None and file.rows == 0:
        check = "file_has_rows"
    elif file is None and not table_found:
        check = "file_exists"
    elif file is None:
        check = "one_layout"
    else:
        check = "raw_structure"
    observed = ({"missing_columns": list(file.missing_required)}
                if check == "required_columns" else {})
    return CheckResult(check=check, severity=severity, passed=False, description=message,
                       observed=observed)


def _attach_structure(inspection: Inspection) -> tuple[dict[str, list[CheckResult]],
                                                      list[CheckResult]]:
    """("system/table" -> the inspection's problems about it, the problems about no one table).

    A message about a file starts with its path; one about a logical table names it
    ("stripe/subscription"); it goes to the layout found, or to the logical table's own name
    when no file holds it. Every message is reported once."""
    files = sorted((f for f in inspection.tables.values() if f.path),
                   key=lambda f: len(f.path), reverse=True)
    logical = {f"{t.system}/{t.name}": t for t in inspection.logical}
    by_table: dict[str, list[CheckResult]] = {}
    rest: list[CheckResult] = []
    messages = ([("error", m) for m in inspection.errors]
                + [("warning", m) for m in inspection.warnings])
    for severity, message in messages:
        file = next((f for f in files if message.startswith(f"{f.path}:")), None)
        if file is not None:
            key = f"{file.system}/{file.table}"
            by_table.setdefault(key, []).append(
                _structural_check(message, severity, file, True))
            continue
        mentions = [(found.start(), t) for name, t in logical.items()
                    if (found := re.search(rf"(?<![\w/]){re.escape(name)}(?!\w)", message))]
        named = min(mentions, key=lambda mention: mention[0])[1] if mentions else None
        if named is not None:
            key = f"{named.system}/{named.layout or named.name}"
            by_table.setdefault(key, []).append(
                _structural_check(message, severity, None, named.layout is not None))
            continue
        rest.append(CheckResult(check="raw_structure", severity=severity, passed=False,
                                description=message))
    return by_table, rest


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _read_table(
    connection: duckdb.DuckDBPyConnection, file: FileReport, checked: list[str],
    max_rows: int | None,
) -> tuple[pd.DataFrame, bool]:
    """(frame, sampled): the checked contract columns, under their contract names, as text,
    trimmed, empty -> null (staging's `as_text`). Other columns are not loaded (free text such
    as bodies and descriptions never reaches pandas)."""
    select = [f"nullif(trim(cast({_quote(file.columns[name])} as varchar)), '') "
              f"as {_quote(name)}" for name in checked]
    sampled = max_rows is not None and (file.rows or 0) > max_rows
    # a Bernoulli sample (each row kept with probability max_rows / rows, seeded: the same
    # rows each time): one pass in DuckDB's threads, where a reservoir of exactly max_rows
    # rows is kept by one thread (4.3 s against 1.1 s for 1M HubSpot events)
    sample = f" using sample {100 * max_rows / file.rows:.9f}% (bernoulli, 42)" if sampled else ""
    frame = connection.sql(f"select {', '.join(select)} from {file.relation}{sample}").df()
    return frame, sampled


# ---------------------------------------------------------------------------------------------
# Expectations
# ---------------------------------------------------------------------------------------------
def _build_suite(gx, name: str, key: str, present: set[str]):
    """The suite of one table: from the contract's column types and the columns present."""
    from great_expectations.expectations.metadata_types import FailureSeverity

    error, warning = FailureSeverity.CRITICAL, FailureSeverity.WARNING
    expectations = gx.expectations
    suite = gx.ExpectationSuite(name=name)
    add = suite.add_expectation
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


def _checked_columns(key: str, present: list[str]) -> list[str]:
    """The present contract columns some expectation reads, in contract order."""
    checked = {"id", *TIMESTAMP_COLUMNS[key], *BOOLEAN_COLUMNS[key], *EMAIL_COLUMNS[key]}
    return [column for column in present if column in checked]


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


def _check_result(validation, frame: pd.DataFrame, file_columns: dict[str, str]) -> CheckResult:
    config = validation.expectation_config
    kwargs = config.kwargs
    result = validation.result or {}
    severity = "warning" if str(config.severity.value) in ("warning", "info") else "error"
    observed: dict[str, Any] = {}
    column = kwargs.get("column")
    if column and file_columns.get(column, column) != column:
        observed["header"] = file_columns[column]  # the file's own name for it
    if "unexpected_count" in result:
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
            ids = frame[column].dropna()
            repeats = int(ids.duplicated().sum())
            observed.update(duplicate_rows=repeats,
                            duplicate_share=round(repeats / len(frame), 6) if len(frame) else 0.0)
    exception = validation.exception_info or {}
    if exception.get("raised_exception"):
        observed["error"] = str(exception.get("exception_message"))
    return CheckResult(
        check=config.type, severity=severity, passed=bool(validation.success),
        description=config.description or config.type, column=column, observed=observed,
    )


class QuietGX:
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
    max_rows: int | None = DEFAULT_MAX_ROWS, inspection: Inspection | None = None,
) -> QualityReport:
    """Validate the raw exports in `raw` (`<system>/<table>.csv|.csv.gz|.parquet`) before a build.

    `fmt` is the preferred format when a table has both a CSV and a Parquet file (the
    inspection finds either). Returns the report (never raises for bad data or missing
    files; `report.ok` is False when any error-severity check failed, structural or not).
    With `out`, also writes `out/quality_report.json` and `out/quality_report.md`. Tables with
    more than `max_rows` rows are validated on a seeded Bernoulli sample of about `max_rows`
    rows (row counts stay exact); `None` reads everything. `inspection`:
    `inspect_raw(raw, prefer=fmt)` when the caller has it already (`clearinghouse build`
    has), so the files are not inspected twice (at medium scale the inspection reads every
    file: about 13 s).
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    started = time.perf_counter()
    raw = Path(raw)
    if inspection is None:
        inspection = inspect_raw(raw, prefer=fmt)
    structure, problems = _attach_structure(inspection)
    contract = load_contract()
    with QuietGX():
        import great_expectations as gx

        context = _context(gx)
        datasource = context.data_sources.add_pandas("raw_exports")
        tables: list[TableReport] = []
        with duckdb.connect() as connection:
            connection.execute("set enable_progress_bar = false")  # quiet beside a build
            for logical in inspection.logical:
                system = contract[logical.system]
                layouts = [t for t in system.layouts()[logical.name]
                           if t.key in inspection.tables]
                for table in layouts:
                    report = _check_file(gx, context, datasource, connection, table,
                                         inspection.tables[table.key], max_rows)
                    report.checks[:0] = structure.pop(table.key, [])
                    tables.append(report)
                key = f"{logical.system}/{logical.name}"
                if not layouts and key in structure:  # no file: only its structural checks
                    tables.append(TableReport(system=logical.system, table=logical.name,
                                              path=None, checks=structure.pop(key)))
    for checks in structure.values():  # attached to no table listed (not expected)
        problems.extend(checks)
    report = QualityReport(
        raw=str(raw), fmt=fmt, tables=tables, seconds=round(time.perf_counter() - started, 2),
        max_rows=max_rows, great_expectations_version=gx.__version__,
        systems=dict(inspection.systems), problems=problems,
    )
    if out is not None:
        write_report(report, Path(out))
    return report


def _check_file(gx, context, datasource, connection, table: Table, file: FileReport,
                max_rows: int | None) -> TableReport:
    report = TableReport(system=table.system, table=table.name, path=file.path,
                         format=file.format, encoding=file.encoding, rows=file.rows)
    if file.relation is None:  # unreadable: the inspection's error says why
        report.rows = None
        return report
    report.file_columns = {name: header for name, header in file.columns.items() if header}
    report.columns = list(report.file_columns)
    checked = _checked_columns(table.key, report.columns)
    if not checked:  # nothing to validate (e.g. a Zendesk domain_name file without id)
        report.validated_rows = report.rows
        return report
    try:
        frame, sampled = _read_table(connection, file, checked, max_rows)
    except duckdb.Error as error:  # the inspection read it; a value-level failure
        report.checks.append(CheckResult(
            check="file_readable", severity="error", passed=False,
            description=f"{file.path}: cannot be read",
            observed={"error": str(error).splitlines()[0]}))
        return report
    report.validated_rows, report.sampled = len(frame), sampled

    name = table.key.replace("/", "__")
    suite = context.suites.add(_build_suite(gx, name, table.key, set(checked)))
    batch_definition = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(
        "whole_file")
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite))
    result = validation.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
    )
    report.checks.extend(_check_result(r, frame, report.file_columns) for r in result.results)
    return report


def _absent_systems(report: QualityReport) -> list[str]:
    return [system for system, present in report.systems.items() if not present]


def format_report(report: QualityReport) -> str:
    """Plain-text summary for the terminal: one line per table, then its failed checks."""
    status = "OK" if report.ok else "FAILED"
    lines = [
        f"raw data quality: {status} -- {len(report.errors)} errors, "
        f"{len(report.warnings)} warnings, {len(report.tables)} tables in {report.raw} "
        f"({report.fmt}, {report.seconds:.1f}s)"
    ]
    absent = _absent_systems(report)
    if absent and len(absent) < len(report.systems):
        lines.append(f"  not in use (no folder): {', '.join(absent)}")
    for check in report.problems:
        lines.append(f"  {check.severity}: {check.message}")
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
    present = [system for system, here in report.systems.items() if here]
    absent = _absent_systems(report)
    lines = [
        "# Raw data quality report",
        "",
        f"- raw folder: `{report.raw}` (preferred format {report.fmt})",
        f"- systems present: {', '.join(present) or 'none'}"
        + (f"; not in use (no folder): {', '.join(absent)}" if absent else ""),
        f"- result: **{status}**: {len(report.errors)} errors, {len(report.warnings)} warnings "
        f"over {len(report.tables)} tables",
        f"- Great Expectations {report.great_expectations_version}, {report.seconds:.1f} s"
        + (f"; tables over {report.max_rows:,} rows are validated on a sample of about as many rows"
           if report.max_rows else ""),
        "",
        "| table | file | rows | validated | checks | errors | warnings |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for t in report.tables:
        file = f"`{Path(t.path).name}`" if t.path else "-"
        file += f" ({t.encoding})" if t.encoding else ""
        rows = "missing" if t.path is None else "-" if t.rows is None else f"{t.rows:,}"
        validated = "-" if t.validated_rows is None else f"{t.validated_rows:,}"
        validated += " (sample)" if t.sampled else ""
        lines.append(f"| {t.key} | {file} | {rows} | {validated} | {len(t.checks)} | "
                     f"{len(t.errors)} | {len(t.warnings)} |")
    failing = [t for t in report.tables if t.errors or t.warnings]
    if failing or report.problems:
        lines += ["", "## Failed checks", ""]
        if report.problems:
            lines += ["### raw folder", ""]
            lines += [f"- **{c.severity}** `{c.check}`: {c.message.replace('|', chr(92) + '|')}"
                      for c in report.problems]
            lines.append("")
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

"""Inspect a folder of raw exports against the raw contract, before anything is built.

One pass over the folder: which systems are present (a system whose folder is absent is one
the company does not use), which file holds each contract table (names matched ignoring case
and underscores, `.csv`, `.csv.gz` or `.parquet`), which layout each logical table comes in,
every file's header and row count, which contract columns it holds, and what that means per
feature (active, degraded with a fallback, or off). `clearinghouse inspect` prints it; `build`
runs the same inspection first and stops on its errors (missing required tables or columns,
unreadable files) before dbt runs; the layout it found is handed to dbt as the `raw_layout`
var, so staging reads the columns that are there and fills the absent ones with typed nulls.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from clearinghouse.contract import SYSTEMS, Table, load_contract, match_columns, normalise_name
from clearinghouse.paths import PROJECT_ROOT

EXTENSIONS = {".csv": "csv", ".gz": "csv", ".parquet": "parquet"}
# Spellings of null in real exports (DESIGN.md): read as SQL null everywhere.
NULL_SPELLINGS = ("", "NULL", "null", "Null", "\\N", "N/A", "n/a", "NaN")
FEATURES_SEED = PROJECT_ROOT / "seeds" / "raw_features.csv"
MAX_LINE_BYTES = 64 * 1024 * 1024  # one CSV line (a long text field) may be this long


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_relation(path: Path | str, fmt: str, encoding: str | None = None) -> str:
    """The DuckDB table expression that reads one raw file: every CSV value as text, nulls in
    every spelling. Used by the inspection, the quality checks and (through raw_layout) by
    dbt's staging models, so all three read a file the same way."""
    if fmt == "parquet":
        return f"read_parquet({sql_literal(str(path))})"
    nulls = ", ".join(sql_literal(value) for value in NULL_SPELLINGS)
    options = [
        "all_varchar = true", "header = true", "auto_detect = true",
        "quote = '\"'", "escape = '\"'", f"max_line_size = {MAX_LINE_BYTES}",
        f"nullstr = [{nulls}]",
    ]
    if encoding:
        options.append(f"encoding = {sql_literal(encoding)}")
    return f"read_csv({sql_literal(str(path))}, {', '.join(options)})"


@dataclass
class TableReport:
    system: str
    table: str  # the contract table this file holds
    logical: str  # the logical table it is a layout of
    path: str | None = None
    format: str | None = None
    encoding: str | None = None
    rows: int | None = None
    header: list[str] = field(default_factory=list)
    columns: dict[str, str | None] = field(default_factory=dict)  # contract -> header name
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def found(self) -> bool:
        return self.path is not None

    @property
    def relation(self) -> str | None:
        if not self.found or self.error:
            return None
        return duckdb_relation(self.path, self.format, self.encoding)


@dataclass
class LogicalTable:
    system: str
    name: str
    required: bool
    layout: str | None  # the contract table found for it (None: not found)
    note: str | None  # what its absence costs


@dataclass
class FeatureStatus:
    feature: str
    label: str
    status: str  # active | degraded | off
    detail: str


@dataclass
class Inspection:
    raw: str
    systems: dict[str, bool]  # system -> present
    tables: dict[str, TableReport]  # "system/table" -> report (files found, and required ones)
    logical: list[LogicalTable]
    features: list[FeatureStatus]
    errors: list[str]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors

    def present(self, system: str, table: str, column: str | None = None) -> bool:
        report = self.tables.get(f"{system}/{table}")
        if report is None or not report.found or report.error:
            return False
        return column is None or report.columns.get(column) is not None

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"ok": self.ok}, indent=2, default=str)

    def dbt_vars(self) -> dict:
        """What dbt needs: per present file, the relation to read and contract -> header names;
        the systems in use; the feature statuses (rpt_feature_coverage). The same for the same
        files in the same layout, whatever rows they hold, so dbt's parse of the project is
        reused (partial parsing) from one day's exports to the next: the row counts are
        row_counts(), given to dbt through the environment."""
        layout: dict[str, dict[str, dict]] = {}
        for system in load_contract().values():
            for table in system.tables.values():
                report = self.tables.get(table.key)
                relation = report.relation if report else None
                layout.setdefault(system.name, {})[table.name] = {
                    "relation": relation,
                    "columns": (report.columns if relation
                                else {column.name: None for column in table.columns}),
                    "path": report.path if relation else None,
                    # for engines that register the file themselves (Spark: macros/raw.sql)
                    "format": report.format if relation else None,
                    "encoding": report.encoding if relation else None,
                    "header": report.header if relation else [],
                    "event_type": table.event_type,
                    "rules": table.load_rules(),
                }
        return {
            "raw_layout": layout,
            "raw_systems": [system for system, present in self.systems.items() if present],
            "raw_features": [asdict(feature) for feature in self.features],
            "raw_null_spellings": list(NULL_SPELLINGS),
        }

    def row_counts(self) -> dict[str, dict[str, int]]:
        """Per present raw file, its data rows as the inspection counted them (system ->
        table -> rows; rpt_load_reconciliation's rows_in_file, macro raw_file_rows)."""
        counts: dict[str, dict[str, int]] = {}
        for report in self.tables.values():
            if report.relation:  # the files dbt reads (dbt_vars)
                counts.setdefault(report.system, {})[report.table] = report.rows or 0
        return counts


def _find_files(folder: Path, prefer: str) -> dict[str, Path]:
    """Normalised table name -> file, for the raw files in a system folder (the preferred
    format first when a table has both)."""
    files: dict[str, Path] = {}
    paths = sorted(folder.iterdir(), key=lambda p: (not p.name.lower().endswith(prefer), p.name))
    for path in paths:
        if not path.is_file():
            continue
        name = path.name.lower()
        for suffix in (".csv.gz", ".csv", ".parquet"):
            if name.endswith(suffix):
                files.setdefault(normalise_name(path.name[: -len(suffix)]), path)
    return files


def _system_folder(raw: Path, system: str) -> Path | None:
    if not raw.is_dir():
        return None
    for path in sorted(raw.iterdir()):
        if path.is_dir() and path.name.lower() == system:
            return path
    return None


def _read_file(report: TableReport, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
    """Header and row count; on failure, a message a data person understands."""
    report.path = str(path)
    report.format = "parquet" if path.name.lower().endswith(".parquet") else "csv"
    if path.stat().st_size == 0:
        report.error = f"{path}: the file is empty (0 bytes, not even a header row)"
        return
    encodings = [None] if report.format == "parquet" else [None, "latin-1"]
    last_error = ""
    for encoding in encodings:
        relation = duckdb_relation(path, report.format, encoding)
        try:
            header = [row[0] for row in connection.execute(f"describe select * from {relation}")
                      .fetchall()]
            rows = connection.execute(f"select count(*) from {relation}").fetchone()[0]
        except duckdb.Error as error:
            # the first attempt's error is the one that explains (a later encoding only
            # retries a file that is not UTF-8)
            last_error = last_error or _first_lines(str(error))
            continue
        report.encoding, report.header, report.rows = encoding, header, int(rows)
        return
    report.error = f"{path}: cannot be read ({last_error})"


def _first_lines(message: str) -> str:
    """DuckDB's error without its long advice: the first two lines (what and where)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return " ".join(lines[:2])


def _check_columns(report: TableReport, table: Table, files: dict[str, Path]) -> None:
    report.columns = match_columns(table, report.header)
    report.missing_required = [
        c.name for c in table.columns
        if c.required and report.columns[c.name] is None
        and not (c.required_unless_table and normalise_name(c.required_unless_table) in files)
    ]
    report.missing_optional = [c.name for c in table.columns
                               if not c.required and report.columns[c.name] is None]
    used = {name for name in report.columns.values() if name}
    report.extra = [name for name in report.header if name not in used]


def _missing_column_error(report: TableReport, table: Table) -> str:
    found = ", ".join(report.header[:12]) + (" ..." if len(report.header) > 12 else "")
    hint = ""
    if len(report.header) == 1 and any(sep in report.header[0] for sep in ";|\t"):
        hint = " (one column only: is the delimiter a comma?)"
    missing = ", ".join(report.missing_required)
    return (f"{report.path}: required column(s) {missing} missing from {table.key} "
            f"(found: {found}){hint}")


def _inspect_system(raw: Path, system: str, inspection: Inspection,
                    connection: duckdb.DuckDBPyConnection, prefer: str) -> None:
    contract = load_contract()[system]
    folder = _system_folder(raw, system)
    inspection.systems[system] = folder is not None
    if folder is None:
        return
    files = _find_files(folder, prefer)
    for logical, tables in contract.layouts().items():
        chosen = None
        for table in tables:
            path = files.get(normalise_name(table.name))
            if path is None:
                continue
            report = TableReport(system, table.name, logical)
            _read_file(report, path, connection)
            inspection.tables[table.key] = report
            if report.error:
                inspection.errors.append(report.error)
            else:
                _check_columns(report, table, files)
                if report.missing_required:
                    inspection.errors.append(_missing_column_error(report, table))
            chosen = chosen or table.name
        first = tables[0]
        if chosen is None and first.required:
            names = " or ".join(f"{folder / t.name}.csv" for t in tables)
            inspection.errors.append(
                f"{folder}: required table {system}/{logical} missing (expected {names}, "
                f"or .csv.gz/.parquet); a {contract.label} export without it cannot be used")
        elif chosen is None and first.when_absent:
            inspection.warnings.append(
                f"{system}/{logical}: no file: {first.when_absent or 'not read'}")
        inspection.logical.append(LogicalTable(system, logical, first.required, chosen,
                                               None if chosen else first.when_absent))
        if len([t for t in tables if t.key in inspection.tables]) > 1:
            inspection.warnings.append(
                f"{system}/{logical}: several layouts found ({', '.join(t.name for t in tables)}); "
                f"reading {chosen}")


def _term_satisfied(inspection: Inspection, term: str) -> bool:
    """`system.table[.column]`, alternatives separated by '/'."""
    for alternative in term.split("/"):
        parts = alternative.strip().split(".")
        if inspection.present(parts[0], parts[1], parts[2] if len(parts) > 2 else None):
            return True
    return False


def _terms(text: str) -> list[str]:
    return [term.strip() for term in (text or "").split(";") if term.strip()]


def evaluate_features(inspection: Inspection, seed: Path = FEATURES_SEED) -> list[FeatureStatus]:
    """Each feature of seeds/raw_features.csv: off when a `requires` term is unmet, degraded
    (with its fallback) when an `improves_with` term is unmet, else active."""
    statuses = []
    with seed.open(newline="") as handle:
        for row in csv.DictReader(handle):
            unmet = [t for t in _terms(row["requires"]) if not _term_satisfied(inspection, t)]
            weak = [t for t in _terms(row["improves_with"]) if not _term_satisfied(inspection, t)]
            if unmet:
                status, detail = "off", "needs " + "; ".join(unmet)
            elif weak:
                status = "degraded"
                detail = f"without {'; '.join(weak)}: {row['fallback'] or 'less complete'}"
            else:
                status, detail = "active", ""
            statuses.append(FeatureStatus(row["feature"], row["label"], status, detail))
    return statuses


def inspect_raw(raw: Path | str, prefer: str = "csv") -> Inspection:
    """Inspect every system folder under raw (see the module docstring)."""
    raw = Path(raw)
    inspection = Inspection(str(raw), {}, {}, [], [], [], [])
    if not raw.is_dir():
        inspection.errors.append(f"{raw}: raw exports folder not found")
        return inspection
    with duckdb.connect() as connection:
        for system in SYSTEMS:
            _inspect_system(raw, system, inspection, connection, prefer)
    if not any(inspection.systems.values()):
        inspection.errors.append(
            f"{raw}: no system folder found (expected one or more of {', '.join(SYSTEMS)})")
    for report in inspection.tables.values():
        if report.found and not report.error and report.rows == 0:
            inspection.warnings.append(f"{report.path}: header only, no rows")
    inspection.features = evaluate_features(inspection)
    return inspection


def format_report(inspection: Inspection) -> str:
    """The human report: systems, tables, columns, features, then errors."""
    lines = [f"Raw exports in {inspection.raw}", ""]
    contract = load_contract()
    for system in SYSTEMS:
        if not inspection.systems.get(system):
            lines.append(f"{system} ({contract[system].label}): not present (folder absent): "
                         "its features are off")
            continue
        lines.append(f"{system} ({contract[system].label}): present")
        lines.append(f"  {'table':<28} {'file':<30} {'layout':<22} {'rows':>10}  columns")
        for logical in (t for t in inspection.logical if t.system == system):
            lines.extend(_table_lines(inspection, logical))
        lines.append("")
    lines.append("Features")
    width = max((len(f.label) for f in inspection.features), default=10)
    for feature in inspection.features:
        detail = f"  {feature.detail}" if feature.detail else ""
        lines.append(f"  {feature.label:<{width}}  {feature.status:<8}{detail}")
    lines.append("")
    for warning in inspection.warnings:
        lines.append(f"warning: {warning}")
    if inspection.errors:
        lines.append(f"{len(inspection.errors)} error(s): the build stops here until fixed")
        lines.extend(f"error: {error}" for error in inspection.errors)
    else:
        lines.append("ok: every required table and column is present")
    return "\n".join(lines)


def _table_lines(inspection: Inspection, logical: LogicalTable) -> list[str]:
    if logical.layout is None and not logical.required and not logical.note:
        return []  # an alternative or detail table whose absence costs nothing
    if logical.layout is None:
        state = "MISSING (required)" if logical.required else "absent (optional)"
        line = f"  {logical.name:<28} {'-':<30} {state:<22} {'-':>10}"
        return [line + (f"  {logical.note}" if logical.note and not logical.required else "")]
    report = inspection.tables[f"{logical.system}/{logical.layout}"]
    file_name = Path(report.path).name
    if report.error:
        return [f"  {logical.name:<28} {file_name:<30} {'UNREADABLE':<22} {'-':>10}"]
    table = load_contract()[logical.system].tables[report.table]
    present = sum(1 for name in report.columns.values() if name)
    layout = report.table + (f" ({report.encoding})" if report.encoding else "")
    lines = [f"  {logical.name:<28} {file_name:<30} {layout:<22} {report.rows:>10,}  "
             f"{present}/{len(table.columns)} read, {len(report.extra)} extra ignored"]
    if report.missing_required:
        lines.append(f"      required missing: {', '.join(report.missing_required)}")
    if report.missing_optional:
        lines.append(f"      optional missing: {', '.join(report.missing_optional)}")
    return lines

"""The raw contract: every raw table and column the project reads, declared once.

The declaration lives in the dbt sources YAML (`models/staging/<system>/_<system>__sources.yml`):
per table, whether a present system must have it (`required`), which logical table it is a
layout of (`layout_of`: Stripe `subscription` or `subscription_history`, `price` or `plan`),
and per column its type and either `required: true` or `when_absent` (what a user loses
without it). This module reads that YAML for the Python side (inspect, the early check, the
generator's minimal profile, the quality checks); the dbt side reads the same declaration
through the sources. Column names match a file's header case-insensitively and ignoring
underscores (`created_date` = `CreatedDate`), then by the column's `aliases`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from clearinghouse.paths import PROJECT_ROOT

SYSTEMS = ("salesforce", "stripe", "hubspot", "zendesk")


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    description: str
    required: bool
    when_absent: str | None
    aliases: tuple[str, ...] = ()
    required_unless_table: str | None = None  # required unless this table of the system exists
    values: tuple[str, ...] = ()  # an enumeration: other values load as 'unknown' (counted)
    minimum: float | None = None  # a smaller value rejects the row (e.g. a negative amount)
    exclude_when_false: str | None = None  # the rule by which a false value excludes the row


@dataclass(frozen=True)
class Table:
    system: str
    name: str
    description: str
    required: bool
    layout_of: str  # the logical table this file is a layout of (itself for most)
    when_absent: str | None
    event_type: str | None  # HubSpot per-type event tables: the type their ids carry
    columns: tuple[Column, ...]
    record_key: tuple[str, ...] = ("id",)  # what identifies a record (versions share it)
    modified_column: str | None = None  # orders versions after the sync time
    core: bool = False  # an empty file of a core table stops the build (the build gate)

    @property
    def key(self) -> str:
        return f"{self.system}/{self.name}"

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.key} has no contract column {name!r}")

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def load_rules(self) -> dict:
        """How staging sorts this table's rows (macros/raw.sql, classified_raw): the key and
        version order, rejections (missing key, repeated header, missing or unreadable
        required timestamp, value under its minimum), exclusions by rule, enumerations."""
        names = {c.name for c in self.columns}
        return {
            "key": list(self.record_key),
            "active_column": "_fivetran_active" if "_fivetran_active" in names else None,
            "synced_column": "_fivetran_synced" if "_fivetran_synced" in names else None,
            "modified_column": self.modified_column,
            "required_timestamps": [c.name for c in self.columns if c.required
                                    and c.data_type in ("timestamp", "date")],
            "minimums": {c.name: c.minimum for c in self.columns if c.minimum is not None},
            "exclusions": {c.name: c.exclude_when_false for c in self.columns
                           if c.exclude_when_false},
            "enums": {c.name: list(c.values) for c in self.columns if c.values},
        }


@dataclass(frozen=True)
class System:
    name: str
    label: str
    description: str
    tables: dict[str, Table] = field(default_factory=dict)

    def layouts(self) -> dict[str, list[Table]]:
        """Logical table -> the tables that can hold it, in declaration order (preferred first)."""
        groups: dict[str, list[Table]] = {}
        for table in self.tables.values():
            groups.setdefault(table.layout_of, []).append(table)
        return groups


def normalise_name(name: str) -> str:
    """The key names are matched on: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _meta(node: dict) -> dict:
    return ((node.get("config") or {}).get("meta") or node.get("meta") or {})


def _source_files(project_root: Path) -> list[Path]:
    return sorted((project_root / "models" / "staging").glob("*/_*__sources.yml"))


@cache
def load_contract(project_root: Path = PROJECT_ROOT) -> dict[str, System]:
    """System name -> System, for the four connector systems, from the sources YAML."""
    systems: dict[str, System] = {}
    for path in _source_files(Path(project_root)):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources", []):
            if source["name"] not in SYSTEMS:
                continue
            system = System(source["name"], _meta(source).get("system_label", source["name"]),
                            " ".join(str(source.get("description", "")).split()))
            for node in source.get("tables", []):
                meta = _meta(node)
                columns = tuple(
                    Column(
                        name=str(c["name"]),
                        data_type=str(c.get("data_type", "varchar")),
                        description=str(c.get("description", "")),
                        required=bool(_meta(c).get("required", False)),
                        when_absent=_meta(c).get("when_absent"),
                        aliases=tuple(_meta(c).get("aliases", ()) or ()),
                        required_unless_table=_meta(c).get("required_unless_table"),
                        values=tuple(str(v) for v in _meta(c).get("values", ()) or ()),
                        minimum=_meta(c).get("min"),
                        exclude_when_false=_meta(c).get("exclude_when_false"),
                    )
                    for c in node.get("columns", [])
                )
                system.tables[node["name"]] = Table(
                    system=system.name,
                    name=node["name"],
                    description=str(node.get("description", "")),
                    required=bool(meta.get("required", False)),
                    layout_of=meta.get("layout_of", node["name"]),
                    when_absent=meta.get("when_absent"),
                    event_type=meta.get("event_type"),
                    columns=columns,
                    record_key=tuple(meta.get("key", ("id",))),
                    modified_column=meta.get("modified_column"),
                    core=bool(meta.get("core", False)),
                )
            systems[system.name] = system
    missing = [name for name in SYSTEMS if name not in systems]
    if missing:
        raise RuntimeError(f"raw contract incomplete: no sources YAML for {missing}")
    return {name: systems[name] for name in SYSTEMS}


def contract_table(system: str, table: str) -> Table:
    return load_contract()[system].tables[table]


def match_columns(table: Table, header: list[str]) -> dict[str, str | None]:
    """Contract column -> the header name that holds it (None when absent).

    Exact name first, then case-insensitive, then ignoring underscores and case (both
    naming styles: created_date / CreatedDate), then the declared aliases the same ways.
    Extra header columns are ignored."""
    by_exact = {name: name for name in header}
    by_lower: dict[str, str] = {}
    by_norm: dict[str, str] = {}
    for name in header:
        by_lower.setdefault(name.lower(), name)
        by_norm.setdefault(normalise_name(name), name)
    mapping: dict[str, str | None] = {}
    for column in table.columns:
        found = None
        for candidate in (column.name, *column.aliases):
            found = (by_exact.get(candidate) or by_lower.get(candidate.lower())
                     or by_norm.get(normalise_name(candidate)))
            if found:
                break
        mapping[column.name] = found
    return mapping

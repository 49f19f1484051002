"""Build the governance models (int_policy__* and fct_cadence_violations) with dbt over a
tiny hand-made warehouse: the tables they read (int_core__messages, int_core__contacts,
int_core__accounts, int_support__tickets) and the policy seeds, written straight into a
fresh DuckDB file, then one `dbt run` of the governance models only. The marts that
publish the core models (fct_communications, dim_contacts, dim_accounts) are views over
them, for policy.py, which reads the served marts. Used by the bug tests, the
replay over random rule sets and the shared cases. One dbt invocation per call (~10 s)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from clearinghouse.paths import PROJECT_ROOT

GOVERNANCE = "path:models/intermediate/governance fct_cadence_violations"

TABLES = {
    "int_core__messages": {
        "message_id": "varchar", "contact_id": "varchar", "account_id": "varchar",
        "team": "varchar", "category": "varchar", "channel": "varchar",
        "sender_id": "varchar", "sent_at": "timestamp",
    },
    "int_core__contacts": {
        "contact_id": "varchar", "time_zone": "varchar", "is_opted_out": "boolean",
        "opted_out_at": "timestamp", "opted_out_sources": "varchar",
    },
    "int_core__accounts": {
        "account_id": "varchar", "owner_user_id": "varchar", "owner_name": "varchar",
        "owner_team": "varchar",
    },
    "int_support__tickets": {
        "ticket_id": "varchar", "account_id": "varchar", "priority": "varchar",
        "created_at": "timestamp", "solved_at": "timestamp", "satisfaction_score": "integer",
        "rated_at": "timestamp",
    },
}
# the mart that publishes each core model (what policy.py reads)
MARTS = {"int_core__messages": "fct_communications", "int_core__contacts": "dim_contacts",
         "int_core__accounts": "dim_accounts"}


def seed_columns(name: str) -> list[str]:
    with open(PROJECT_ROOT / "seeds" / f"{name}.csv", newline="") as handle:
        return next(csv.reader(handle))


def _seed_types() -> dict[str, str]:
    """communication_policies' declared column types (seeds/_seeds.yml), else varchar."""
    import yaml

    spec = yaml.safe_load((PROJECT_ROOT / "seeds" / "_seeds.yml").read_text())
    for seed in spec.get("seeds", []):
        if seed["name"] == "communication_policies":
            return seed.get("config", {}).get("column_types", {})
    return {}


def _create(connection, table: str, columns: dict[str, str], rows: list[dict]) -> None:
    names = list(columns)
    connection.execute(
        f"create table {table} ({', '.join(f'{n} {t}' for n, t in columns.items())})"
    )
    if rows:
        placeholders = ", ".join("?" for _ in names)
        connection.executemany(
            f"insert into {table} values ({placeholders})",
            [[row.get(name) for name in names] for row in rows],
        )


def write_inputs(db: Path, policies: list[dict], tables: dict[str, list[dict]]) -> None:
    """A fresh DuckDB file with the governance inputs and the policy seeds."""
    if db.exists():
        db.unlink()
    types = _seed_types()
    with duckdb.connect(str(db)) as connection:
        for table, columns in TABLES.items():
            _create(connection, table, columns, tables.get(table, []))
            if table in MARTS:
                connection.execute(f"create view {MARTS[table]} as select * from {table}")
        policy_columns = {name: types.get(name, "varchar") for name in seed_columns(
            "communication_policies")}
        _create(connection, "communication_policies", policy_columns,
                [{key: _text_list(value) for key, value in row.items()} for row in policies])
        registry = PROJECT_ROOT / "seeds" / "policy_rule_types.csv"
        if registry.exists():
            connection.execute(
                "create table policy_rule_types as select * from read_csv(?, header = true, "
                "all_varchar = true)", [str(registry)])


def _text_list(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return "|".join(value)
    return value


def run_governance(db: Path, target: Path, select: str = GOVERNANCE) -> None:
    """`dbt run` of the governance models against db; raise with dbt's message on failure."""
    from dbt.cli.main import dbtRunner

    from clearinghouse.build import _environment, _release_duckdb

    argv = [
        "--quiet", "run", "--select", *select.split(),
        "--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT),
        "--target-path", str(target), "--log-path", str(target / "logs"),
        "--vars", json.dumps({"raw_format": "csv"}),
    ]
    with _environment(CLEARINGHOUSE_DB=str(db)):
        try:
            result = dbtRunner().invoke(argv)
        finally:
            _release_duckdb()
    if not result.success:
        messages = []
        if result.result is not None and hasattr(result.result, "results"):
            messages = [f"{r.node.name}: {r.message}" for r in result.result.results
                        if str(r.status) in ("error", "fail")]
        raise RuntimeError("dbt run failed: " + ("; ".join(messages) or str(result.exception)))


def build_governance(root: Path, policies: list[dict], tables: dict[str, list[dict]],
                     target: Path | None = None) -> Path:
    """Write the inputs under root and build the governance models; the DuckDB path."""
    root.mkdir(parents=True, exist_ok=True)
    db = root / "governance.duckdb"
    write_inputs(db, policies, tables)
    run_governance(db, target or root / "target")
    return db


def violations(db: Path, table: str = "fct_cadence_violations") -> dict[tuple, dict]:
    with duckdb.connect(str(db), read_only=True) as connection:
        cursor = connection.execute(f"select * from {table}")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(row["message_id"], row["rule_id"]): row for row in rows}

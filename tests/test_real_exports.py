"""Real connector exports: other layouts, any subset of the systems, tiny data, the early check.

Independent expectations: the generator writes the same company in every profile and for
every subset of systems (byte-identical files for a system that is written), so
- a build of the legacy layouts must give the same marts as the full profile's build;
- a build of a subset must account for every message of each system it has exactly as the
  full build does (resolved + quarantined per system), and have no rows from the others;
- the early check must name the file and column, exit non-zero and leave the served file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from variant_builds import build_many

from clearinghouse.build import BuildError, Gate, GateError, build
from clearinghouse.cli import main
from clearinghouse.contract import load_contract
from clearinghouse.inspection import inspect_raw
from clearinghouse.synth import generate

SYSTEMS = ("salesforce", "stripe", "hubspot", "zendesk")
SUBSETS = [(s,) for s in SYSTEMS] + [tuple(x for x in SYSTEMS if x != s) for s in SYSTEMS]
MESSAGE_REASONS = ("unknown_recipient", "ambiguous_recipient_email", "missing_recipient",
                   "missing_or_unparseable_timestamp")
MART_PREFIXES = ("dim_", "fct_", "rpt_", "map_", "audit_")


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


def _marts(db: Path) -> list[str]:
    rows = _query(db, "select table_name from information_schema.tables "
                      "where table_schema = 'main' order by table_name")
    return [name for (name,) in rows if name.startswith(MART_PREFIXES)]


def _fingerprint(db: Path, table: str) -> tuple[int, str]:
    """Row count and an order-independent hash of every row's values."""
    count, digest = _query(
        db, f"select count(*), md5(coalesce(string_agg(row_hash, ',' order by row_hash), '')) "
            f"from (select md5(cast(t as varchar)) as row_hash from {table} as t)")[0]
    return count, digest


def _messages_by_system(db: Path) -> dict[str, tuple[int, int]]:
    """Per source system: (messages resolved, messages quarantined)."""
    resolved = dict(_query(db, "select source_system, count(*) from fct_communications "
                               "group by 1"))
    reasons = ", ".join(f"'{r}'" for r in MESSAGE_REASONS)
    quarantined = dict(_query(db, "select source_system, count(*) from audit_quarantined_records "
                                  f"where reason in ({reasons}) group by 1"))
    return {s: (resolved.get(s, 0), quarantined.get(s, 0))
            for s in set(resolved) | set(quarantined)}


def _subset_name(systems: tuple[str, ...]) -> str:
    return "-".join(systems)


@pytest.fixture(scope="module")
def variants(module_tmp) -> dict[str, Path]:
    """The demo company (seed 7, like demo_warehouse) built in the legacy layouts, with
    required columns only, and for every subset of one or three systems: name -> warehouse."""
    wanted = {"legacy": {"profile": "legacy"}, "minimal": {"profile": "minimal"}}
    # a subset's files are the full profile's, whose quality checks the other builds run
    wanted |= {_subset_name(s): {"systems": ",".join(s), "gate": {"quality": False}}
               for s in SUBSETS}
    (module_tmp / "variants").mkdir()
    return build_many(module_tmp / "variants", wanted)


def test_legacy_layouts_build_the_same_marts(demo_warehouse, variants):
    """Original-case Salesforce names, subscription_history, plan, domain_name, Rails time
    zones and per-type HubSpot event tables give exactly the marts of the full profile."""
    legacy = variants["legacy"]
    marts = _marts(demo_warehouse.db)
    assert len(marts) >= 20
    assert _marts(legacy) == marts
    # the coverage and reconciliation reports describe the files read, so they differ
    per_file = {"rpt_feature_coverage", "rpt_load_reconciliation"}
    differing = [t for t in marts if t not in per_file
                 and _fingerprint(legacy, t) != _fingerprint(demo_warehouse.db, t)]
    assert differing == []
    statuses = dict(_query(legacy, "select feature, status from rpt_feature_coverage"))
    assert set(statuses.values()) == {"active"}, statuses


def _raw_count(raw: Path, sql: str) -> int:
    """A brute-force count over one raw CSV file ({file} in sql), all values as text."""
    return duckdb.sql(sql.format(file=f"read_csv('{raw}', all_varchar = true)")).fetchall()[0][0]


def test_minimal_profile_builds_with_features_degraded(variants):
    """Required columns only: the build succeeds, every message is resolved or quarantined
    (counted from the raw files), and the coverage mart says which features are degraded or
    off."""
    db = variants["minimal"]
    raw = db.parent / "raw"
    minimal = _messages_by_system(db)
    expected = {
        # without filtered_event or deletion flags every SENT event and invoice counts
        "hubspot": _raw_count(raw / "hubspot" / "email_event.csv",
                              "select count(distinct id) from {file} where upper(type) = 'SENT'"),
        "stripe": _raw_count(raw / "stripe" / "invoice.csv",
                             "select count(distinct id) from {file} where status <> 'draft'"),
    }
    for system, count in expected.items():
        assert sum(minimal[system]) == count, system
        assert minimal[system][0] > 0, system
    assert minimal["zendesk"][0] > 0
    # CRM tasks need a type to be an email or a call, and type is optional: no CRM messages
    assert "salesforce" not in minimal
    assert _query(db, "select count(*) from dim_accounts")[0][0] > 0
    assert _query(db, "select count(*) from dim_contacts")[0][0] > 0
    statuses = dict(_query(db, "select feature, status from rpt_feature_coverage"))
    assert statuses["personas"] == "off"
    assert statuses["crm_messages"] == "off"
    assert statuses["marketing_messages"] == "degraded"
    assert statuses["people_identity"] == "active"


@pytest.mark.parametrize("systems", SUBSETS, ids=[_subset_name(s) for s in SUBSETS])
def test_any_subset_of_systems_builds(demo_warehouse, variants, systems):
    db = variants[_subset_name(systems)]
    full = _messages_by_system(demo_warehouse.db)
    subset = _messages_by_system(db)
    assert set(subset) == set(systems), "messages only from the systems present"
    for system in systems:
        assert sum(subset[system]) == sum(full[system]), f"{system}: messages lost or invented"
        assert subset[system][0] > 0, f"{system}: no message resolved"
    contacts = _query(db, "select count(*) from dim_contacts")[0][0]
    assert contacts > 0
    accounts = _query(db, "select count(*) from dim_accounts")[0][0]
    if set(systems) & {"salesforce", "stripe", "zendesk"}:
        assert accounts > 0
    statuses = dict(_query(db, "select feature, status from rpt_feature_coverage"))
    if "stripe" not in systems:
        assert statuses["mrr"] == "off"
    if "zendesk" not in systems:
        assert statuses["support_messages"] == "off"
    if "hubspot" not in systems:
        assert statuses["marketing_messages"] == "off"


def _truncate_copy(source: Path, target: Path, rows: int) -> None:
    for path in source.rglob("*.csv"):
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        with path.open(newline="") as handle, out.open("w", newline="") as sink:
            writer = csv.writer(sink)
            for index, row in enumerate(csv.reader(handle)):
                if index > rows:
                    break
                writer.writerow(row)


@pytest.mark.parametrize("rows", [5, 0], ids=["five-rows", "header-only"])
def test_tiny_and_empty_exports_build(demo_warehouse, tmp_path, rows):
    raw, db = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    _truncate_copy(demo_warehouse.raw, raw, rows)
    if rows == 0:  # empty core exports are never served unless accepted
        with pytest.raises(GateError, match="salesforce/contact.csv has no rows"):
            build(db_path=db, raw=raw, target_path=tmp_path / "target", quiet=True)
        assert not db.exists()
    build(db_path=db, raw=raw, target_path=tmp_path / "target", quiet=True,
          gate=Gate(accept_shrink=True))
    assert len(_marts(db)) >= 20
    contacts = _query(db, "select count(*) from dim_contacts")[0][0]
    assert (contacts > 0) == (rows > 0)
    unbalanced = _query(db, "select * from rpt_load_reconciliation "
                            "where rows_in_file <> rows_loaded + rows_superseded + rows_excluded "
                            "+ rows_rejected")
    assert unbalanced == []
    # every data row of every file is counted (the csv module's count, not DuckDB's)
    assert _query(db, "select sum(rows_in_file) from rpt_load_reconciliation")[0][0] == sum(
        _csv_rows(path) for path in raw.rglob("*.csv"))


def _csv_rows(path: Path) -> int:
    with path.open(newline="") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


# ---------------------------------------------------------------------------- early check
def _copy_raw(demo_warehouse, tmp_path) -> Path:
    raw = tmp_path / "raw"
    for path in demo_warehouse.raw.rglob("*.csv"):
        out = raw / path.relative_to(demo_warehouse.raw)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(path.read_bytes())
    return raw


def _drop_column(path: Path, column: str) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([r[:index] + r[index + 1:] for r in rows])


def _served(tmp_path: Path, demo_warehouse) -> tuple[Path, str]:
    served = tmp_path / "served.duckdb"
    served.write_bytes(demo_warehouse.db.read_bytes())
    return served, hashlib.sha256(served.read_bytes()).hexdigest()


def test_missing_required_column_stops_before_dbt(demo_warehouse, tmp_path, capsys):
    raw = _copy_raw(demo_warehouse, tmp_path)
    _drop_column(raw / "salesforce" / "contact.csv", "email")
    _drop_column(raw / "zendesk" / "ticket_comment.csv", "public")
    served, digest = _served(tmp_path, demo_warehouse)
    with pytest.raises(BuildError) as raised:
        build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True)
    message = str(raised.value)
    # one message naming every file and column at once, before dbt ran
    assert f"{raw / 'salesforce' / 'contact.csv'}: required column(s) email missing" in message
    assert f"{raw / 'zendesk' / 'ticket_comment.csv'}: required column(s) public missing" in message
    assert "2 problem(s)" in message
    assert not (tmp_path / "target" / "run_results.json").exists()
    assert hashlib.sha256(served.read_bytes()).hexdigest() == digest
    # the command line says the same, with no traceback, and exits non-zero
    code = main(["build", "--raw", str(raw), "--db", str(served)])
    err = capsys.readouterr().err
    assert code == 1
    assert "required column(s) email missing" in err and "Traceback" not in err
    assert hashlib.sha256(served.read_bytes()).hexdigest() == digest


def test_missing_required_table_stops_before_dbt(demo_warehouse, tmp_path):
    raw = _copy_raw(demo_warehouse, tmp_path)
    (raw / "hubspot" / "email_event.csv").unlink()
    (raw / "stripe" / "charge.csv").unlink()  # optional: a degradation, not an error
    served, digest = _served(tmp_path, demo_warehouse)
    with pytest.raises(BuildError) as raised:
        build(db_path=served, raw=raw, target_path=tmp_path / "target", quiet=True)
    message = str(raised.value)
    assert "required table hubspot/email_event missing" in message
    assert "charge" not in message
    assert "1 problem(s)" in message
    assert hashlib.sha256(served.read_bytes()).hexdigest() == digest


def test_empty_and_unreadable_files_are_named(demo_warehouse, tmp_path):
    raw = _copy_raw(demo_warehouse, tmp_path)
    (raw / "zendesk" / "ticket.csv").write_bytes(b"")
    inspection = inspect_raw(raw)
    assert not inspection.ok
    assert inspection.errors == [
        f"{raw / 'zendesk' / 'ticket.csv'}: the file is empty (0 bytes, not even a header row)"]


# ---------------------------------------------------------------------------- inspect
@pytest.fixture(scope="module")
def profiles(module_tmp) -> dict[str, Path]:
    root = module_tmp / "profiles"
    folders = {}
    for profile in ("full", "minimal", "legacy"):
        folders[profile] = root / profile
        generate(out=folders[profile], truth=root / f"truth-{profile}", scale="demo", seed=3,
                 profile=profile, progress=False)
    return folders


def test_inspect_full_profile(profiles, capsys):
    assert main(["inspect", str(profiles["full"])]) == 0
    out = capsys.readouterr().out
    assert "ok: every required table and column is present" in out
    for system in SYSTEMS:
        assert f"{system} (" in out and "): present" in out
    report = json.loads(_inspect_json(profiles["full"], capsys))
    assert {f["status"] for f in report["features"]} == {"active"}
    assert report["ok"] is True


def _inspect_json(folder: Path, capsys) -> str:
    assert main(["inspect", str(folder), "--json"]) == 0
    return capsys.readouterr().out


def test_inspect_legacy_profile_detects_layouts(profiles, capsys):
    report = json.loads(_inspect_json(profiles["legacy"], capsys))
    tables = report["tables"]
    assert tables["salesforce/account"]["path"].endswith("Account.csv")
    assert tables["salesforce/account"]["columns"]["created_date"] == "CreatedDate"
    assert tables["salesforce/user_role"]["path"].endswith("UserRole.csv")
    layouts = {(t["system"], t["name"]): t["layout"] for t in report["logical"]}
    assert layouts[("stripe", "subscription")] == "subscription_history"
    assert layouts[("stripe", "price")] == "plan"
    assert tables["stripe/subscription_item"]["columns"]["price_id"] == "plan_id"
    assert tables["zendesk/domain_name"]["rows"] > 0
    assert tables["hubspot/email_event"]["columns"]["type"] is None
    assert report["errors"] == []


def test_inspect_minimal_profile_reports_what_is_lost(profiles, capsys):
    assert main(["inspect", str(profiles["minimal"])]) == 0
    out = capsys.readouterr().out
    contract = load_contract()
    account = contract["salesforce"].tables["account"]
    optional = [c.name for c in account.columns if not c.required]
    assert f"      optional missing: {', '.join(optional)}" in out
    assert "Personas from job titles" in out
    report = json.loads(_inspect_json(profiles["minimal"], capsys))
    statuses = {f["feature"]: f["status"] for f in report["features"]}
    assert statuses["personas"] == "off"
    assert statuses["csat"] == "off"
    assert statuses["mrr"] == "degraded"
    # every table holds exactly its required columns
    for key, table in report["tables"].items():
        system, name = key.split("/")
        assert table["missing_required"] == []
        assert set(table["header"]) == set(contract[system].tables[name].required_columns)


def test_inspect_exits_non_zero_on_structural_problems(profiles, tmp_path, capsys):
    raw = tmp_path / "raw"
    (raw / "salesforce").mkdir(parents=True)
    (raw / "salesforce" / "account.csv").write_text("Identifier,Title\n1,Acme\n")
    assert main(["inspect", str(raw)]) == 1
    out = capsys.readouterr().out
    assert ("required column(s) id, name missing from salesforce/account "
            "(found: Identifier, Title)") in out
    assert "required table salesforce/contact missing" in out
    assert "stripe (billing): not present" in out

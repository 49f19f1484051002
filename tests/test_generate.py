"""Tests for the synthetic generator (demo scale, written into tmp dirs)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from clearinghouse.cli import main
from clearinghouse.contract import load_contract
from clearinghouse.paths import PROJECT_ROOT
from clearinghouse.raw_schema import ACCOUNT_LIKE, CONTACT_LIKE, RAW_TABLES
from clearinghouse.synth import generate
from clearinghouse.synth.profiles import pascal


@pytest.fixture(scope="module")
def demo(module_tmp):
    base = module_tmp / "demo"
    counts = generate(base / "raw", base / "truth", scale="demo", seed=7, progress=False)
    return base, counts


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _rel(base: Path, system: str, table: str, ext: str = "csv") -> str:
    return str(base / "raw" / system / f"{table}.{ext}")


def _read(con, base, system, table):
    return (f"read_csv('{_rel(base, system, table)}', all_varchar=true, header=true, "
            "quote='\"', escape='\"')")


def test_deterministic(demo, tmp_path):
    base, _ = demo
    generate(tmp_path / "raw", tmp_path / "truth", scale="demo", seed=7, progress=False)
    assert _digests(base) == _digests(tmp_path)


def test_every_table_has_contract_header(demo):
    base, counts = demo
    for system, tables in RAW_TABLES.items():
        for table, cols in tables.items():
            path = base / "raw" / system / f"{table}.csv"
            assert path.exists(), path
            with path.open(newline="", encoding="utf-8") as f:
                header = next(csv.reader(f))
            assert header == cols, f"{system}/{table}"
            assert counts[f"{system}/{table}"] > 0


def test_csv_parses_with_exact_column_count(demo):
    base, counts = demo
    for key in ("salesforce/task", "zendesk/ticket_comment", "stripe/customer"):
        system, table = key.split("/")
        with (base / "raw" / system / f"{table}.csv").open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert all(len(r) == len(RAW_TABLES[system][table]) for r in rows)
        assert len(rows) - 1 == counts[key]


def test_truth_covers_every_record(demo):
    base, _ = demo
    con = duckdb.connect()
    truth = str(base / "truth")
    for (system, table), kind in [(t, "contacts") for t in CONTACT_LIKE] + [
            (t, "accounts") for t in ACCOUNT_LIKE]:
        where = "where role = 'end-user'" if (system, table) == ("zendesk", "user") else ""
        missing = con.execute(f"""
            select count(distinct r.id) from {_read(con, base, system, table)} r
            anti join (select * from read_csv('{truth}/{kind}.csv', all_varchar=true)
                       where source_system = '{system}' and source_table = '{table}') t
              on t.source_record_id = r.id {where}""").fetchone()[0]
        assert missing == 0, (system, table, kind)
        dup = con.execute(f"""select count(*) - count(distinct source_record_id)
            from read_csv('{truth}/{kind}.csv', all_varchar=true)
            where source_system = '{system}' and source_table = '{table}'""").fetchone()[0]
        assert dup == 0


def test_demo_size(demo):
    base, counts = demo
    params = json.loads((base / "truth" / "parameters.json").read_text())
    assert params["accounts"] == 300
    assert params["fatigue"]["window_days"] == 7
    con = duckdb.connect()
    people = con.execute(f"select count(distinct person_id) from read_csv("
                         f"'{base}/truth/contacts.csv', all_varchar=true)").fetchone()[0]
    assert 2_500 <= people <= 4_000
    assert 40_000 <= params["outbound_messages"] <= 90_000
    n_acc = con.execute(f"select count(distinct id) from "
                        f"{_read(con, base, 'salesforce', 'account')}").fetchone()[0]
    assert n_acc == 300
    facts = con.execute(f"select count(*), avg((churned_at is not null)::int), "
                        f"avg((has_past_due_invoice = 'true')::int) from read_csv("
                        f"'{base}/truth/account_facts.csv', all_varchar=true)").fetchone()
    assert facts[0] == 300 and 0.05 < facts[1] < 0.2 and 0 < facts[2] < 0.15


NORMALISE = """lower(regexp_replace(replace(lower(trim({c})), '@googlemail.com', '@gmail.com'),
                 '\\+[^@]*@', '@'))"""


def test_emails_normalise_to_one_canonical_per_person(demo):
    base, _ = demo
    con = duckdb.connect()
    truth = f"read_csv('{base}/truth/contacts.csv', all_varchar=true)"
    union = " union all ".join(
        f"select '{s}' as s, '{t}' as t, id, {NORMALISE.format(c=c)} as email, {c} as raw "
        f"from {_read(con, base, s, t)} where {c} is not null" + (
            " and role = 'end-user'" if (s, t) == ("zendesk", "user") else "")
        for s, t, c in [("salesforce", "contact", "email"), ("hubspot", "contact",
                                                            "property_email"),
                        ("zendesk", "user", "email"), ("stripe", "customer", "email")])
    con.execute(f"create table e as select e.*, t.person_id from ({union}) e join {truth} t "
                "on t.source_system = e.s and t.source_table = e.t and t.source_record_id = e.id")
    per_person = con.execute("select max(n) from (select person_id, count(distinct email) n "
                             "from e group by 1)").fetchone()[0]
    per_email = con.execute("select max(n) from (select email, count(distinct person_id) n "
                            "from e group by 1)").fetchone()[0]
    assert per_person == 1 and per_email == 1
    # the mess really is there
    messy = con.execute("""select count(*) filter (where raw <> trim(raw)),
        count(*) filter (where raw like '%+%@%'), count(*) filter (where raw like '%googlemail%'),
        count(*) filter (where raw <> lower(raw)) from e""").fetchone()
    assert all(m > 0 for m in messy)
    # hubspot event recipients are the hubspot contact emails as written
    bad = con.execute(f"""select count(*) from {_read(con, base, 'hubspot', 'email_event')} v
        where v.recipient not in (select raw from e where s = 'hubspot')""").fetchone()[0]
    assert bad == 0


def test_stripe_email_belongs_to_salesforce_contact_of_same_company(demo):
    base, _ = demo
    con = duckdb.connect()
    truth = f"'{base}/truth/contacts.csv'"
    n_bad = con.execute(f"""
        with tc as (select * from read_csv({truth}, all_varchar=true)),
        cus as (select t.person_id, a.company_id from {_read(con, base, 'stripe', 'customer')} c
                join tc t on t.source_record_id = c.id and t.source_system = 'stripe'
                join read_csv('{base}/truth/accounts.csv', all_varchar=true) a
                  on a.source_record_id = c.id and a.source_system = 'stripe'),
        sfc as (select t.person_id, a.company_id from {_read(con, base, 'salesforce', 'contact')} c
                join tc t on t.source_record_id = c.id and t.source_system = 'salesforce'
                join read_csv('{base}/truth/accounts.csv', all_varchar=true) a
                  on a.source_record_id = c.account_id)
        select count(*) from cus anti join sfc using (person_id, company_id)""").fetchone()[0]
    assert n_bad == 0


def test_timestamp_formats_all_parse(demo):
    base, _ = demo
    con = duckdb.connect()
    col = "created"
    vals = con.execute(f"select {col} from {_read(con, base, 'stripe', 'invoice')}").fetchall()
    kinds = {("epoch" if v.isdigit() else "iso") for (v,) in vals}
    assert kinds == {"epoch", "iso"}
    ev = con.execute(f"select created from {_read(con, base, 'hubspot', 'email_event')} "
                     "where length(created) = 13").fetchone()
    assert ev is not None


def test_parquet_format(tmp_path):
    counts = generate(tmp_path / "raw", tmp_path / "truth", scale="demo", seed=3,
                      fmt="parquet", progress=False)
    for system, tables in RAW_TABLES.items():
        for table, cols in tables.items():
            t = pq.read_table(tmp_path / "raw" / system / f"{table}.parquet")
            assert t.column_names == cols
            assert t.num_rows == counts[f"{system}/{table}"]


# ---------------------------------------------------------------- profiles and --systems
TRUE = ("true", "t", "1")


@pytest.fixture(scope="module")
def legacy(module_tmp):
    base = module_tmp / "legacy"
    counts = generate(base / "raw", base / "truth", scale="demo", seed=7, profile="legacy",
                      progress=False)
    return base, counts


@pytest.fixture(scope="module")
def minimal(module_tmp):
    base = module_tmp / "minimal"
    counts = generate(base / "raw", base / "truth", scale="demo", seed=7, profile="minimal",
                      progress=False)
    return base, counts


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def _files(base: Path) -> set[str]:
    return {str(p.relative_to(base / "raw").with_suffix("")) for p in (base / "raw").rglob("*")
            if p.is_file()}


def test_minimal_headers_are_required_contract_columns(minimal):
    base, counts = minimal
    contract = load_contract()
    expected = {f"{s}/{t}" for s, tables in RAW_TABLES.items() for t in tables
                if t in contract[s].tables}
    assert _files(base) == expected
    for key in expected:
        system, table = key.split("/")
        required = contract[system].tables[table].required_columns
        assert _header(base / "raw" / f"{key}.csv") == required, key
        assert counts[key] > 0


def test_legacy_salesforce_api_names(legacy, demo):
    base, _ = legacy
    full, _ = demo
    names = {"account": "Account", "contact": "Contact", "user": "User",
             "user_role": "UserRole", "opportunity": "Opportunity", "task": "Task"}
    assert {f for f in _files(base) if f.startswith("salesforce/")} == {
        f"salesforce/{n}" for n in names.values()}
    for table, name in names.items():
        header = _header(base / "raw" / "salesforce" / f"{name}.csv")
        assert header == [pascal(c) for c in RAW_TABLES["salesforce"][table]]
        # same records, only the header differs
        legacy_body = (base / "raw" / "salesforce" / f"{name}.csv").read_bytes().split(b"\n", 1)
        full_body = (full / "raw" / "salesforce" / f"{table}.csv").read_bytes().split(b"\n", 1)
        assert legacy_body[1] == full_body[1]
    account = _header(base / "raw" / "salesforce" / "Account.csv")
    task = _header(base / "raw" / "salesforce" / "Task.csv")
    assert {"Id", "CreatedDate", "NumberOfEmployees", "_fivetran_synced"} <= set(account)
    assert {"AccountId", "CompletedDateTime", "CallDurationInSeconds"} <= set(task)


def test_legacy_truth_keeps_contract_table_names(legacy, demo):
    base, _ = legacy
    full, _ = demo
    for name in ("contacts.csv", "accounts.csv", "account_facts.csv"):
        assert (base / "truth" / name).read_bytes() == (full / "truth" / name).read_bytes()


def test_legacy_stripe_subscription_history_and_plan(legacy, demo):
    base, _ = legacy
    full, _ = demo
    assert not (base / "raw" / "stripe" / "subscription.csv").exists()
    assert not (base / "raw" / "stripe" / "price.csv").exists()
    con = duckdb.connect()
    history = _read(con, base, "stripe", "subscription_history")
    rows, ids, active_ids, active_rows, open_ended = con.execute(f"""
        select count(*), count(distinct id),
               count(distinct id) filter (where lower(_fivetran_active) in {TRUE}),
               count(*) filter (where lower(_fivetran_active) in {TRUE}),
               count(*) filter (where _fivetran_end = '9999-12-31 23:59:59')
        from {history}""").fetchone()
    full_ids = con.execute(f"select count(distinct id) from "
                           f"{_read(con, full, 'stripe', 'subscription')}").fetchone()[0]
    assert ids == active_ids == active_rows == open_ended == full_ids
    assert rows > ids * 1.15
    # the active row is the latest synced one; each version ends where the next starts
    bad = con.execute(f"""
        select count(*) from (
            select *, lead(_fivetran_start) over (partition by id order by _fivetran_synced) nxt
            from {history})
        where _fivetran_start <> _fivetran_synced
           or (nxt is null) <> (lower(_fivetran_active) in {TRUE})
           or coalesce(nxt, '9999-12-31 23:59:59') <> _fivetran_end""").fetchone()[0]
    assert bad == 0
    earlier = con.execute(f"""select distinct status from {history}
                              where lower(_fivetran_active) not in {TRUE}""").fetchall()
    assert {s for (s,) in earlier} <= {"trialing", "incomplete"}
    assert _header(base / "raw" / "stripe" / "plan.csv") == [
        "id", "amount", "currency", "interval", "interval_count", "nickname", "product_id",
        "active", "created", "_fivetran_synced"]
    mismatched = con.execute(f"""
        select count(*) from {_read(con, base, 'stripe', 'plan')} p
        full join {_read(con, full, 'stripe', 'price')} r using (id)
        where p.amount is distinct from r.unit_amount
           or p.interval is distinct from r.recurring_interval
           or p.interval_count is distinct from r.recurring_interval_count""").fetchone()[0]
    assert mismatched == 0
    item = _header(base / "raw" / "stripe" / "subscription_item.csv")
    assert "plan_id" in item and "price_id" not in item


def _rails_zones() -> dict[str, str]:
    zones: dict[str, str] = {}
    with (PROJECT_ROOT / "seeds" / "zendesk_time_zones.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            zones.setdefault(row["iana_time_zone"], row["rails_time_zone"])
    return zones


def test_legacy_zendesk_domain_names_and_time_zones(legacy, demo):
    base, _ = legacy
    full, _ = demo
    assert "domain_names" not in _header(base / "raw" / "zendesk" / "organization.csv")
    assert _header(base / "raw" / "zendesk" / "domain_name.csv") == [
        "organization_id", "domain_name", "index", "_fivetran_synced"]
    con = duckdb.connect()
    legacy_rows = con.execute(f"""select organization_id, domain_name, index
        from {_read(con, base, 'zendesk', 'domain_name')}""").fetchall()
    expected = set()
    for org_id, names in con.execute(f"""select distinct id, domain_names
            from {_read(con, full, 'zendesk', 'organization')}
            where domain_names is not null""").fetchall():
        for i, name in enumerate(n for n in names.split(",") if n):
            expected.add((org_id, name, str(i)))
    assert len(legacy_rows) == len(set(legacy_rows)) == len(expected)
    assert set(legacy_rows) == expected
    # time_zone: the Rails name of the IANA zone (the IANA name when there is none)
    header = _header(base / "raw" / "zendesk" / "user.csv")
    assert "iana_time_zone" not in header and "time_zone" in header
    zones = _rails_zones()
    pairs = con.execute(f"""select distinct f.iana_time_zone, l.time_zone
        from {_read(con, full, 'zendesk', 'user')} f
        join {_read(con, base, 'zendesk', 'user')} l using (id)""").fetchall()
    assert pairs and all(tz == (zones.get(iana, iana) if iana else None) for iana, tz in pairs)
    assert any(tz != iana for iana, tz in pairs)


def test_legacy_hubspot_per_type_event_tables(legacy, demo):
    base, _ = legacy
    full, _ = demo
    assert "type" not in _header(base / "raw" / "hubspot" / "email_event.csv")
    assert (base / "raw" / "hubspot" / "email_event_sent.csv").exists()
    con = duckdb.connect()
    tables = {t.event_type: name for name, t in load_contract()["hubspot"].tables.items()
              if t.event_type}
    present = {e: n for e, n in tables.items() if (base / "raw" / "hubspot" / f"{n}.csv").exists()}
    full_types = {t for (t,) in con.execute(f"select distinct type from "
                                            f"{_read(con, full, 'hubspot', 'email_event')}")
                  .fetchall()}
    assert set(present) == (full_types & set(tables)) | {"SENT"}
    assert _header(base / "raw" / "hubspot" / "email_event_open.csv") == [
        "id", "browser", "user_agent", "duration", "_fivetran_synced"]
    union = " union all ".join(f"select distinct id, '{e}' as type from "
                               f"{_read(con, base, 'hubspot', n)}" for e, n in present.items())
    con.execute(f"create table per_type as {union}")
    con.execute(f"create table full_ev as select distinct id, type from "
                f"{_read(con, full, 'hubspot', 'email_event')}")
    known = "(" + ", ".join(f"'{e}'" for e in tables) + ")"
    in_many = con.execute("select count(*) from (select id from per_type group by id "
                          "having count(*) > 1)").fetchone()[0]
    missing = con.execute(f"""select count(*) from {_read(con, base, 'hubspot', 'email_event')} v
        where v.id not in (select id from per_type)
          and v.id not in (select id from full_ev where type not in {known})""").fetchone()[0]
    differ = con.execute("""select count(*) from per_type p full join full_ev f using (id)
        where p.type is distinct from f.type""").fetchone()[0]
    assert in_many == 0 and missing == 0 and differ == 0


def test_legacy_deterministic(legacy, tmp_path):
    base, _ = legacy
    generate(tmp_path / "raw", tmp_path / "truth", scale="demo", seed=7, profile="legacy",
             progress=False)
    assert _digests(base) == _digests(tmp_path)


def test_systems_writes_only_those_folders_and_truth(demo, tmp_path):
    full, _ = demo
    counts = generate(tmp_path / "raw", tmp_path / "truth", scale="demo", seed=7,
                      systems=["stripe", "hubspot"], progress=False)
    assert {p.name for p in (tmp_path / "raw").iterdir()} == {"stripe", "hubspot"}
    assert {k.split("/")[0] for k in counts} == {"stripe", "hubspot"}
    for key in counts:  # the systems written are exactly as in a full run
        path = f"raw/{key}.csv"
        assert (tmp_path / path).read_bytes() == (full / path).read_bytes(), key
    for name in ("contacts.csv", "accounts.csv"):
        with (full / "truth" / name).open(newline="") as f:
            expected = [r for r in csv.reader(f) if r[0] in ("source_system", "stripe",
                                                             "hubspot")]
        with (tmp_path / "truth" / name).open(newline="") as f:
            assert list(csv.reader(f)) == expected
    params = json.loads((tmp_path / "truth" / "parameters.json").read_text())
    assert params["systems"] == ["stripe", "hubspot"] and params["profile"] == "full"


def test_unknown_system_or_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown system.*mailchimp"):
        generate(tmp_path / "raw", tmp_path / "truth", systems="stripe,mailchimp",
                 progress=False)
    with pytest.raises(ValueError, match="profile"):
        generate(tmp_path / "raw", tmp_path / "truth", profile="ancient", progress=False)
    assert main(["generate", "--systems", "stripe,mailchimp", "--out", str(tmp_path / "raw"),
                 "--truth", str(tmp_path / "truth")]) == 2
    assert not (tmp_path / "raw").exists()

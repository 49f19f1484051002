"""Tests for the synthetic generator (demo scale, written into tmp dirs)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from clearinghouse.generate import generate
from clearinghouse.raw_schema import ACCOUNT_LIKE, CONTACT_LIKE, RAW_TABLES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
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

"""The account 360 (dim_accounts) scored against the generator's truth and brute force."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SMALL_LAYOUTS, data_end

# truth company -> its account, via the Salesforce account record of the company
TRUTH_VS_DIM = """
with truth_accounts as (
    select * from read_csv(?, all_varchar = true)
),
facts as (
    select * from read_csv(?, all_varchar = true)
),
company_accounts as (
    select distinct truth_accounts.company_id, map.account_id
    from truth_accounts
    inner join map_account_records as map
        on map.source_system = truth_accounts.source_system
        and map.source_table = truth_accounts.source_table
        and map.source_record_id = truth_accounts.source_record_id
    where truth_accounts.source_system = 'salesforce'
)
select
    facts.company_id,
    facts.churned_at is not null and facts.churned_at <> '' as truth_churned,
    lower(facts.has_past_due_invoice) = 'true' as truth_past_due,
    facts.current_plan as truth_plan,
    cast(facts.current_mrr as double) as truth_mrr,
    dim.account_id,
    dim.plan,
    dim.last_plan,
    cast(dim.current_mrr as double) as mrr,
    dim.is_churned,
    dim.has_past_due_invoice
from facts
left join company_accounts on facts.company_id = company_accounts.company_id
left join dim_accounts as dim on company_accounts.account_id = dim.account_id
"""


def _rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


@pytest.mark.slow
@SMALL_LAYOUTS
def test_billing_facts_against_truth_small(small_layout):
    rows = small_layout.query(
        TRUTH_VS_DIM,
        [str(small_layout.truth / name) for name in ("accounts.csv", "account_facts.csv")],
    )
    assert rows, "no truth companies"
    # Plan: a live customer's plan is its current tier; a churned account has plan null
    # (no live subscription) and keeps the truth's last plan in last_plan.
    plan_ok, mrr_ok, past_due_ok, churn_ok, live_ok = [], [], [], [], []
    for (_, churned, past_due, truth_plan, truth_mrr, account_id, plan, last_plan, mrr,
         is_churned, has_past_due) in rows:
        if account_id is None:
            for flags in (plan_ok, mrr_ok, past_due_ok, churn_ok if churned else live_ok):
                flags.append(False)
            continue
        if churned:
            plan_ok.append(plan is None and last_plan == truth_plan)
            churn_ok.append(bool(is_churned) and mrr == 0)
        else:
            plan_ok.append(plan == truth_plan)
            live_ok.append(not is_churned)
        mrr_ok.append(abs(mrr - truth_mrr) <= 0.01 * truth_mrr + 0.005)
        past_due_ok.append(bool(has_past_due) == past_due)
    rates = {
        "plan": _rate(plan_ok),
        "mrr_within_1pct": _rate(mrr_ok),
        "has_past_due_invoice": _rate(past_due_ok),
        "churned_is_churned_mrr_0": _rate(churn_ok),
        "live_not_churned": _rate(live_ok),
    }
    print(f"\naccount 360 vs truth ({len(rows)} companies, {len(churn_ok)} churned): "
          + ", ".join(f"{name} {rate:.4f}" for name, rate in rates.items()))
    assert rates["plan"] >= 0.98
    assert rates["mrr_within_1pct"] >= 0.98
    assert rates["has_past_due_invoice"] >= 0.98
    assert churn_ok and rates["churned_is_churned_mrr_0"] == 1.0
    assert rates["live_not_churned"] >= 0.98


# ---------------------------------------------------------------- brute force at demo scale

TRUE_WORDS = {"true", "t", "1", "yes", "y"}


def _latest(path: Path) -> list[dict]:
    """The latest version (by _fivetran_synced) of every id of a raw CSV export."""
    latest: dict[str, dict] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["id"]:
                continue
            kept = latest.get(row["id"])
            if kept is None or row["_fivetran_synced"] > kept["_fivetran_synced"]:
                latest[row["id"]] = row
    return list(latest.values())


def _parse_ts(text: str) -> datetime | None:
    """Any of the export's timestamp spellings -> naive UTC."""
    text = (text or "").strip()
    if not text:
        return None
    digits = text.lstrip("-")
    if digits.isdigit() and len(digits) in (12, 13):
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC).replace(tzinfo=None)
    if digits.isdigit() and len(digits) in (9, 10, 11):
        return datetime.fromtimestamp(int(text), tz=UTC).replace(tzinfo=None)
    parsed = datetime.fromisoformat(text.replace("z", "Z"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def test_lifetime_revenue_and_recent_tickets_brute_force(demo_warehouse):
    wh = demo_warehouse
    account_of = {
        (system, record_id): account_id
        for system, record_id, account_id in wh.query(
            "select source_system, source_record_id, account_id from map_account_records"
        )
    }
    contact_account = dict(wh.query(
        """
        select map.source_record_id, contacts.account_id
        from map_contact_records as map
        inner join dim_contacts as contacts on map.contact_id = contacts.contact_id
        where map.source_system = 'zendesk' and contacts.account_id is not null
        """
    ))
    dim = {
        account_id: (revenue, tickets, mrr, arr, as_of)
        for account_id, revenue, tickets, mrr, arr, as_of in wh.query(
            """
            select account_id, lifetime_revenue_paid, tickets_opened_last_90_days,
                   current_mrr, arr, as_of_at
            from dim_accounts
            """
        )
    }
    as_of = next(iter(dim.values()))[4]
    end_date = json.loads((wh.truth / "parameters.json").read_text())["end_date"]
    window_end = datetime.fromisoformat(end_date) + timedelta(days=1)
    # the data's end (int_core__data_end): the latest event of any system, never the clock;
    # opens and clicks of the last sends may land hours after the simulated last day
    assert as_of == data_end(wh), as_of
    assert window_end - timedelta(days=1) <= as_of < window_end + timedelta(days=7), as_of

    # lifetime revenue paid = succeeded charges minus refunds, in cents
    revenue: dict[str, int] = defaultdict(int)
    for charge in _latest(wh.raw / "stripe" / "charge.csv"):
        if (charge["status"] or "").strip().lower() != "succeeded":
            continue
        account_id = account_of.get(("stripe", charge["customer_id"]))
        if account_id is not None:
            revenue[account_id] += int(charge["amount"] or 0) - int(charge["amount_refunded"] or 0)

    # tickets created in (as_of - 90 days, as_of], placed on the organization's account,
    # else on the requester's account
    tickets: dict[str, int] = defaultdict(int)
    for ticket in _latest(wh.raw / "zendesk" / "ticket.csv"):
        if (ticket["_fivetran_deleted"] or "").strip().lower() in TRUE_WORDS:
            continue
        created = _parse_ts(ticket["created_at"])
        if created is None or not (as_of - timedelta(days=90) < created <= as_of):
            continue
        account_id = account_of.get(("zendesk", ticket["organization_id"])) or contact_account.get(
            ticket["requester_id"])
        if account_id is not None:
            tickets[account_id] += 1

    revenue_mismatch = [
        a for a, row in dim.items() if row[0] != Decimal(revenue.get(a, 0)) / 100
    ]
    ticket_mismatch = [a for a, row in dim.items() if row[1] != tickets.get(a, 0)]
    assert sum(revenue.values()) > 0 and sum(tickets.values()) > 0
    assert not (set(revenue) - set(dim)) and not (set(tickets) - set(dim))
    assert not revenue_mismatch, f"{len(revenue_mismatch)} accounts, e.g. {revenue_mismatch[:3]}"
    assert not ticket_mismatch, f"{len(ticket_mismatch)} accounts, e.g. {ticket_mismatch[:3]}"
    # arr = 12 x the unrounded mrr: at most 12 x half a cent away from 12 x the rounded one
    assert all(abs(row[3] - 12 * row[2]) <= Decimal("0.06") for row in dim.values())

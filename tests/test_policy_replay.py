"""Replay over random rule sets: for hypothesis-generated policies (every registry rule
type; rolling and calendar-week windows of any length, caps, contact and account scopes,
collisions of 2 or 3 teams, quiet hours wrapping midnight, not wrapping and equal,
categories, exempt categories, channels, lookbacks, ticket priorities, CSAT) over a tiny
random company, the governance models built by dbt and the Python evaluator
(clearinghouse.policy.audit) find the same violations, with the same windows.

One dbt run per example (the governance models only, over a hand-made DuckDB: see
policy_harness.py), so few examples: POLICY_REPLAY_EXAMPLES (default 5). Marked slow."""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_cases import context_of, messages_of
from policy_harness import build_governance, violations

from clearinghouse.policy import RULE_TYPES, Rule, audit

CATEGORIES = ("promotional", "success", "sales", "support", "transactional")
TEAMS = {"promotional": ("marketing",), "success": ("customer_success",),
         "sales": ("sales", "account_management"), "support": ("support",),
         "transactional": ("billing",)}
CHANNELS = ("email", "phone")
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin", "Pacific/Auckland", None)
START = datetime(2025, 3, 24)  # a Monday; the DST change in Europe is on 2025-03-30


def _subset(values, min_size=1):
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True).map("|".join)


def _common(draw, rule_id: str, rule_type: str) -> dict:
    return {
        "rule_id": rule_id, "rule_type": rule_type, "description": rule_type,
        "severity": draw(st.sampled_from(["high", "medium", "low"])),
        "counted_categories": draw(_subset(CATEGORIES)),
        "exempt_categories": draw(st.one_of(st.none(), _subset(CATEGORIES))),
        "channels": draw(st.one_of(st.just("*"), _subset(CHANNELS))),
        "is_active": True,
    }


@st.composite
def rule_rows(draw, rule_id: str) -> dict:
    rule_type = draw(st.sampled_from(sorted(RULE_TYPES)))
    row = _common(draw, rule_id, rule_type)
    if rule_type == "rolling_cap":
        kind = draw(st.sampled_from(["rolling", "calendar_week"]))
        row.update(window_kind=kind, max_messages=draw(st.integers(0, 3)),
                   window_days=draw(st.integers(1, 10)),
                   scope="contact" if kind == "calendar_week"
                   else draw(st.sampled_from(["contact", "account"])))
    elif rule_type == "cross_team_collision":
        row.update(scope="contact", window_kind="rolling", window_hours=draw(st.integers(1, 96)),
                   min_teams=draw(st.integers(2, 3)))
    elif rule_type == "quiet_hours":
        start = draw(st.integers(0, 23))
        end = draw(st.one_of(st.just(start), st.integers(0, 23)))  # equal hours often
        row.update(scope="contact", quiet_start_hour=start, quiet_end_hour=end)
    elif rule_type == "opted_out_send":
        row.update(scope="contact")
    elif rule_type == "support_aware":
        row.update(scope="account", lookback_days=draw(st.integers(1, 20)),
                   ticket_priorities=draw(_subset(["urgent", "high", "normal", "low"])),
                   csat_max_score=draw(st.integers(1, 3)))
    elif rule_type == "owner_not_looped":
        row.update(scope="account", lookback_days=draw(st.integers(1, 20)))
    else:  # a new registry type: add its parameters here
        pytest.fail(f"the replay does not generate rules of type {rule_type}")
    return row


@st.composite
def policies(draw) -> list[dict]:
    count = draw(st.integers(1, 6))
    return [draw(rule_rows(f"r{index}")) for index in range(count)]


def tiny_company(seed: int) -> dict:
    """A tiny company over three weeks: 8 contacts (time zones, opt-outs), 3 accounts
    (owners), ~70 messages with same-instant and whole-day-apart pairs, tickets."""
    rng = random.Random(seed)
    contacts = [{"contact_id": f"c{index}", "time_zone": rng.choice(ZONES),
                 "is_opted_out": False, "opted_out_at": None, "opted_out_sources": None}
                for index in range(8)]
    for contact in rng.sample(contacts, 2):
        contact.update(is_opted_out=True, opted_out_sources="hubspot_unsubscribe_event",
                       opted_out_at=START + timedelta(days=rng.randint(2, 15),
                                                      hours=rng.randint(0, 23)))
    accounts = [{"account_id": f"a{index}", "owner_user_id": f"u{index}",
                 "owner_name": f"Owner {index}",
                 "owner_team": rng.choice(["sales", "account_management", "customer_success"])}
                for index in range(3)]
    account_of = {contact["contact_id"]: (rng.choice(accounts)["account_id"]
                                          if index < 7 else None)
                  for index, contact in enumerate(contacts)}
    messages = []
    for index in range(70):
        contact = rng.choice(contacts)["contact_id"]
        category = rng.choice(CATEGORIES)
        if messages and rng.random() < 0.25:  # same instant, or whole days/hours later
            sent_at = rng.choice(messages)["sent_at"] + rng.choice(
                [timedelta(0), timedelta(days=rng.randint(1, 10)),
                 timedelta(hours=rng.randint(1, 72))])
        else:
            sent_at = START + timedelta(minutes=rng.randint(0, 21 * 24 * 60))
        account = account_of[contact]
        owner = next((row for row in accounts if row["account_id"] == account), None)
        sender = owner["owner_user_id"] if owner and rng.random() < 0.2 else f"s{index % 5}"
        messages.append({
            "message_id": f"m{index:02d}", "contact_id": contact, "account_id": account,
            "team": rng.choice(TEAMS[category]), "category": category,
            "channel": rng.choice(CHANNELS), "sender_id": sender, "sent_at": sent_at,
        })
    tickets = []
    for index in range(6):
        created = START + timedelta(days=rng.randint(0, 18), hours=rng.randint(0, 23))
        solved = rng.choice([None, created + timedelta(days=rng.randint(0, 5))])
        scored = solved is not None and rng.random() < 0.7
        tickets.append({
            "ticket_id": str(index), "account_id": rng.choice(accounts)["account_id"],
            "priority": rng.choice(["urgent", "high", "normal", "low"]),
            "created_at": created, "solved_at": solved,
            "satisfaction_score": rng.randint(1, 5) if scored else None,
            "rated_at": solved if scored else None,
        })
    return {"messages": messages, "contacts": contacts, "accounts": accounts,
            "tickets": tickets}


@pytest.fixture(scope="module")
def replay_root(module_tmp):
    """One folder (same DuckDB path, same dbt target) for every example, so that dbt
    parses the project once and reuses it (partial parsing)."""
    return module_tmp


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("POLICY_REPLAY_EXAMPLES", "5")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rules=policies(), seed=st.integers(0, 10_000))
def test_python_replay_reproduces_the_warehouse(replay_root, rules, seed):
    company = tiny_company(seed)
    db = build_governance(replay_root, rules, {
        "int_core__messages": company["messages"], "int_core__contacts": company["contacts"],
        "int_core__accounts": company["accounts"], "int_support__tickets": company["tickets"],
    })
    sql = violations(db)
    python = {(violation.message_id, violation.rule_id): violation for violation in audit(
        messages_of(company), [Rule.from_row(row) for row in rules], context_of(company))}
    assert set(python) == set(sql), (
        f"SQL only: {sorted(set(sql) - set(python))[:5]}; "
        f"Python only: {sorted(set(python) - set(sql))[:5]}; rules: {rules}")
    for key, violation in python.items():
        row = sql[key]
        assert row["rule_type"] == violation.rule_type, key
        if violation.rule_type in ("rolling_cap", "cross_team_collision"):
            assert row["messages_in_window"] == violation.messages_in_window, key
            assert row["message_ids_in_window"] == ",".join(violation.message_ids_in_window), key
            assert (row["window_start"], row["window_end"]) == (
                violation.window_start, violation.window_end), key

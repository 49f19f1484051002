"""Contact 360: messages received, engagement and personas checked by brute force."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import data_end

TEAMS = ["marketing", "customer_success", "account_management", "sales", "support", "billing"]
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _parse_ts(text: str | None) -> datetime | None:
    """Raw connector timestamp (naive UTC, ISO with Z/offset, epoch s/ms) -> naive UTC."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d{12,13}", text):
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC).replace(tzinfo=None)
    if re.fullmatch(r"-?\d{9,11}", text):
        return datetime.fromtimestamp(int(text), tz=UTC).replace(tzinfo=None)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _normalise_email(text: str | None) -> str | None:
    text = (text or "").strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+[.][^@\s]+", text):
        return None
    text = re.sub(r"[+][^@]*@", "@", text)
    return re.sub(r"@googlemail[.]com$", "@gmail.com", text)


def _as_of(warehouse) -> datetime:
    (as_of,) = {
        row[0] for row in warehouse.query("select distinct activity_as_of_at from dim_contacts")
    }
    latest = data_end(warehouse)
    assert as_of == latest, "as_of is the latest timestamp in the data, not the clock"
    return as_of


def test_messages_received_by_team_and_window_match_brute_force(demo_warehouse):
    as_of = _as_of(demo_warehouse)
    expected: dict[str, Counter] = defaultdict(Counter)
    last_touch: dict[str, tuple] = {}
    for contact_id, team, sent_at, message_id in demo_warehouse.query(
        "select contact_id, team, sent_at, message_id from fct_communications"
    ):
        for days in (7, 30, 90):
            if as_of - timedelta(days=days) < sent_at <= as_of:
                expected[contact_id][f"messages_{days}d_total"] += 1
                if team in TEAMS:
                    expected[contact_id][f"messages_{days}d_{team}"] += 1
        key = (sent_at, message_id)
        if contact_id not in last_touch or key > last_touch[contact_id][0]:
            last_touch[contact_id] = (key, team)

    columns = [f"messages_{days}d_{team}" for days in (7, 30, 90) for team in ["total", *TEAMS]]
    rows = demo_warehouse.query(
        f"select contact_id, {', '.join(columns)}, last_touch_at, last_touch_team from dim_contacts"
    )
    assert len(rows) > 2000
    mismatches = []
    for contact_id, *values in rows:
        counts, (touch_at, touch_team) = values[: len(columns)], values[len(columns) :]
        want = [expected[contact_id][column] for column in columns]
        want_touch = last_touch.get(contact_id)
        got_touch = (touch_at, touch_team) if touch_at is not None else None
        if counts != want or got_touch != (
            (want_touch[0][0], want_touch[1]) if want_touch else None
        ):
            mismatches.append((contact_id, counts, want, got_touch, want_touch))
    assert not mismatches, f"{len(mismatches)} contacts differ, e.g. {mismatches[:2]}"
    assert sum(expected[c]["messages_7d_total"] for c in expected) > 0


def test_opens_and_clicks_last_30_days_match_raw_hubspot_events(demo_warehouse):
    as_of = _as_of(demo_warehouse)
    email_to_contact = dict(
        demo_warehouse.query(
            "select email, contact_id from int_identity__contact_emails where contact_count = 1"
        )
    )
    latest: dict[str, dict] = {}
    events_file = demo_warehouse.raw / "hubspot" / "email_event.csv"
    with open(events_file, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            current = latest.get(row["id"])
            if current is None or row["_fivetran_synced"] > current["_fivetran_synced"]:
                latest[row["id"]] = row
    sent_recipient = {
        event_id: row["recipient"]
        for event_id, row in latest.items()
        if row["type"].upper() == "SENT"
    }
    expected: dict[str, Counter] = defaultdict(Counter)
    for row in latest.values():
        kind = row["type"].strip().upper()
        if kind not in ("OPEN", "CLICK"):
            continue
        if (row["filtered_event"] or "").strip().lower() in ("true", "t", "1", "yes", "y"):
            continue
        occurred = _parse_ts(row["created"])
        if occurred is None or not (as_of - timedelta(days=30) < occurred <= as_of):
            continue
        recipient = _normalise_email(sent_recipient.get(row["sent_by_id"]) or row["recipient"])
        contact_id = email_to_contact.get(recipient)
        if contact_id is not None:
            expected[contact_id][kind] += 1

    rows = demo_warehouse.query(
        "select contact_id, opens_30d, clicks_30d from dim_contacts order by contact_id"
    )
    # every contact with activity plus every 5th contact (the sample includes zeros)
    sample = [row for index, row in enumerate(rows) if index % 5 == 0 or row[0] in expected]
    mismatches = [
        (contact_id, opens, clicks, expected[contact_id]["OPEN"], expected[contact_id]["CLICK"])
        for contact_id, opens, clicks in sample
        if (opens, clicks) != (expected[contact_id]["OPEN"], expected[contact_id]["CLICK"])
    ]
    assert not mismatches, (
        f"{len(mismatches)} of {len(sample)} contacts differ, e.g. {mismatches[:3]}"
    )
    assert sum(counter["OPEN"] for counter in expected.values()) > 100
    assert sum(counter["CLICK"] for counter in expected.values()) > 10


def _persona_rules() -> list[dict]:
    with open(SEEDS / "persona_rules.csv", newline="", encoding="utf-8") as handle:
        rules = list(csv.DictReader(handle))
    return sorted(rules, key=lambda rule: (int(rule["precedence"]), rule["rule_id"]))


def _words(text: str | None) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split()) + " "


def _brute_force_persona(rules, title, is_billing_contact, tickets_90d, engagement_score):
    title_words = _words(title)
    for rule in rules:
        keywords = [k.strip() for k in rule["title_keywords"].split("|") if k.strip()]
        if keywords:
            ok = any(
                (keyword == "*" and title_words.strip())
                or (keyword != "*" and _words(keyword).strip() and _words(keyword) in title_words)
                for keyword in keywords
            )
            if not ok:
                continue
        billing_condition = rule["is_billing_contact"].strip().lower()
        if billing_condition and (billing_condition == "true") != is_billing_contact:
            continue
        if rule["min_tickets_90d"] and tickets_90d < int(rule["min_tickets_90d"]):
            continue
        if rule["min_engagement_score"] and engagement_score < int(rule["min_engagement_score"]):
            continue
        return rule["persona"], rule["rule_id"]
    return "unknown", "no_rule_matched"


def _check_personas(warehouse, label: str) -> None:
    rules = _persona_rules()
    persona_of_rule = {rule["rule_id"]: rule["persona"] for rule in rules}
    rows = warehouse.query(
        """
        select contacts.contact_id, contacts.persona, contacts.persona_rule, signals.title,
            signals.is_billing_contact, signals.tickets_90d, signals.engagement_score
        from dim_contacts as contacts
        left join int_contacts__persona_signals as signals
            on contacts.contact_id = signals.contact_id
        """
    )
    contacts = warehouse.query("select count(*), count(distinct contact_id) from dim_contacts")[0]
    assert len(rows) == contacts[0] == contacts[1], "exactly one persona row per contact"
    wrong = []
    for contact_id, persona, rule_id, title, billing, tickets, score in rows:
        assert persona and rule_id, f"{contact_id} has no persona or rule"
        assert persona_of_rule.get(rule_id, "unknown") == persona, (contact_id, persona, rule_id)
        if (persona, rule_id) != _brute_force_persona(rules, title, billing, tickets, score):
            wrong.append((contact_id, title, billing, tickets, score, persona, rule_id))
    assert not wrong, f"{len(wrong)} personas differ from the seed rules, e.g. {wrong[:3]}"

    distribution = warehouse.query(
        "select persona, persona_rule, count(*) from dim_contacts group by all order by 1, 2"
    )
    print(f"\npersonas at {label} scale ({len(rows)} contacts):")
    for persona, rule_id, count in distribution:
        print(f"  {persona:<18} {rule_id:<24} {count:>7}  {100 * count / len(rows):5.1f}%")
    assert {persona for persona, _, _ in distribution} >= {
        "executive_sponsor",
        "decision_maker",
        "admin_champion",
        "billing_contact",
        "end_user",
    }


def test_every_contact_has_one_persona_and_its_rule(demo_warehouse):
    _check_personas(demo_warehouse, "demo")


@pytest.mark.slow
def test_persona_distribution_small(small_warehouse):
    _check_personas(small_warehouse, "small")


def test_opted_out_source_first_is_the_earliest_dated_opt_out(demo_warehouse):
    rows = demo_warehouse.query(
        """
        select contacts.contact_id, contacts.opted_out_source_first, contacts.opted_out_at,
            min(opt_outs.opted_out_at) as earliest
        from dim_contacts as contacts
        left join int_consent__opt_outs as opt_outs on contacts.contact_id = opt_outs.contact_id
        group by all
        """
    )
    dated = [row for row in rows if row[3] is not None]
    assert dated, "the demo data has dated unsubscribes"
    for contact_id, source_first, opted_out_at, earliest in rows:
        if earliest is None:
            assert source_first is None, contact_id
        else:
            assert source_first == "hubspot_unsubscribe_event", contact_id
            assert opted_out_at == earliest, contact_id


def test_account_engagement_adds_up_its_contacts(demo_warehouse):
    mismatched = demo_warehouse.query(
        """
        with by_contacts as (
            select contacts.account_id, sum(engagement.opens_30d) as opens_30d,
                sum(engagement.meetings_90d) as meetings_90d,
                sum(engagement.engagement_score) as engagement_score
            from int_contacts__engagement as engagement
            inner join dim_contacts as contacts on engagement.contact_id = contacts.contact_id
            where contacts.account_id is not null
            group by contacts.account_id
        )
        select count(*) from int_accounts__engagement as accounts
        left join by_contacts on accounts.account_id = by_contacts.account_id
        where coalesce(by_contacts.opens_30d, 0) <> accounts.opens_30d
            or coalesce(by_contacts.meetings_90d, 0) <> accounts.meetings_90d
            or coalesce(by_contacts.engagement_score, 0) <> accounts.engagement_score
        """
    )[0][0]
    assert mismatched == 0
    trends = dict(
        demo_warehouse.query(
            "select engagement_trend, count(*) from int_accounts__engagement group by 1"
        )
    )
    print(f"\naccount engagement trends (demo): {trends}")
    assert set(trends) <= {"rising", "stable", "falling", "inactive"}

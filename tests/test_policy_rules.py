"""The rule types besides rolling_cap (opted_out_send, quiet_hours, support_aware,
owner_not_looped) each equal an independent brute-force implementation, message for message."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest

from clearinghouse.policy import RULE_TYPES

RULE_COLUMNS = """
    rule_id, description, severity, counted_categories, exempt_categories, channels,
    quiet_start_hour, quiet_end_hour, lookback_days, ticket_priorities, csat_max_score
"""


def _text(value) -> str:
    """A timestamp as the warehouse casts it to text."""
    return str(value)


def _counts(rule: dict, message: dict) -> bool:
    counted = set((rule["counted_categories"] or "").split("|"))
    exempt = set((rule["exempt_categories"] or "").split("|"))
    channels = rule["channels"]
    return (
        message["sent_at"] is not None
        and message["category"] in counted
        and message["category"] not in exempt
        and (channels == "*" or message["channel"] in set(channels.split("|")))
    )


def _row(message: dict, rule: dict, window_start, reason: str) -> tuple:
    return (window_start, message["sent_at"], 1, message["message_id"], reason)


def _opted_out_sends(rule, messages, contacts, **_):
    expected = {}
    for message in messages:
        contact = contacts.get(message["contact_id"])
        if not _counts(rule, message) or contact is None or contact["opted_out_at"] is None:
            continue  # flag-only opt-outs (no time) are not checked
        if message["sent_at"] >= contact["opted_out_at"]:
            reason = (
                f"sent at {_text(message['sent_at'])} to a contact who opted out at "
                f"{_text(contact['opted_out_at'])} "
                f"(opt-out sources: {contact['opted_out_sources'] or 'unknown'})"
            )
            expected[(message["message_id"], rule["rule_id"])] = _row(
                message, rule, contact["opted_out_at"], reason
            )
    return expected


def _quiet_hours(rule, messages, contacts, **_):
    start, end = rule["quiet_start_hour"], rule["quiet_end_hour"]
    expected = {}
    for message in messages:
        if not _counts(rule, message):
            continue
        contact = contacts.get(message["contact_id"]) or {}
        zone = contact.get("time_zone") or "UTC"
        local = message["sent_at"].replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        hour = local.hour
        if start > end:
            quiet = hour >= start or hour < end
        else:
            quiet = start <= hour < end
        if quiet:
            reason = (
                f"sent at {_text(local.replace(tzinfo=None))} local time ({zone}), "
                f"inside the quiet hours {start:02d}:00-{end:02d}:00"
            )
            expected[(message["message_id"], rule["rule_id"])] = _row(
                message, rule, message["sent_at"], reason
            )
    return expected


def _support_aware(rule, messages, tickets, **_):
    priorities = set((rule["ticket_priorities"] or "").split("|")) - {""}
    lookback = timedelta(days=rule["lookback_days"])
    max_score = rule["csat_max_score"]
    by_account = defaultdict(list)
    for ticket in tickets:
        by_account[ticket["account_id"]].append(ticket)
    expected = {}
    for message in messages:
        if not _counts(rule, message) or message["account_id"] is None:
            continue
        sent_at = message["sent_at"]
        open_hits, csat_hits = set(), set()
        for ticket in by_account.get(message["account_id"], []):
            if (
                ticket["priority"] in priorities
                and ticket["created_at"] <= sent_at
                and (ticket["solved_at"] is None or ticket["solved_at"] > sent_at)
            ):
                open_hits.add(f"#{ticket['ticket_id']} ({ticket['priority']})")
            if (
                ticket["satisfaction_score"] is not None
                and ticket["rated_at"] is not None
                and ticket["satisfaction_score"] <= max_score
                and sent_at - lookback <= ticket["rated_at"] <= sent_at
            ):
                csat_hits.add(f"#{ticket['ticket_id']} (score {ticket['satisfaction_score']})")
        if not open_hits and not csat_hits:
            continue
        parts = []
        if open_hits:
            parts.append(f"open ticket(s) {','.join(sorted(open_hits))} at send time")
        if csat_hits:
            parts.append(
                f"a CSAT score of {max_score} or less in the {rule['lookback_days']} days before: "
                f"{','.join(sorted(csat_hits))}"
            )
        reason = f"{message['category']} message while the account had " + " and ".join(parts)
        expected[(message["message_id"], rule["rule_id"])] = _row(
            message, rule, sent_at - lookback, reason
        )
    return expected


def _owner_not_looped(rule, messages, accounts, **_):
    lookback = timedelta(days=rule["lookback_days"])
    by_account = defaultdict(list)
    for message in messages:
        by_account[message["account_id"]].append(message)
    expected = {}
    for message in messages:
        account = accounts.get(message["account_id"])
        if not _counts(rule, message) or account is None:
            continue
        owner, owner_team = account["owner_user_id"], account["owner_team"]
        if owner is None or owner_team is None or message["team"] == owner_team:
            continue
        sent_at = message["sent_at"]
        touches = [
            other["sent_at"]
            for other in by_account[message["account_id"]]
            if other["sender_id"] == owner
            and other["sent_at"] is not None
            and other["sent_at"] < sent_at
        ]
        if any(sent_at - lookback <= touch for touch in touches):
            continue
        who = f"{message['team']} {message['category']} message to an account owned by " + (
            f"{account['owner_name'] or owner} ({owner_team}), who "
        )
        if touches:
            reason = (
                who + f"last messaged the account at {_text(max(touches))}, "
                f"more than {rule['lookback_days']} days before"
            )
        else:
            reason = who + "had sent the account no message before this one"
        expected[(message["message_id"], rule["rule_id"])] = _row(
            message, rule, sent_at - lookback, reason
        )
    return expected


BRUTE_FORCE = {
    "opted_out_send": _opted_out_sends,
    "quiet_hours": _quiet_hours,
    "support_aware": _support_aware,
    "owner_not_looped": _owner_not_looped,
}
# the model of each rule type, from the registry (seeds/policy_rule_types.csv)
RULE_MODELS = {rule_type: RULE_TYPES[rule_type].models[0] for rule_type in BRUTE_FORCE}


def test_every_registry_model_has_an_independent_oracle():
    """Each model the registry names is compared with a brute force here or in
    test_policy_caps.py."""
    from test_policy_caps import CASES as WINDOW_CASES

    oracles = set(RULE_MODELS.values()) | {model for model, _, _ in WINDOW_CASES.values()}
    for rule_type in RULE_TYPES.values():
        assert set(rule_type.models) <= oracles, rule_type.rule_type


def _records(warehouse, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(warehouse.db), read_only=True) as connection:
        cursor = connection.execute(sql, params or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def demo_inputs(demo_warehouse) -> dict:
    messages = _records(
        demo_warehouse,
        """
        select message_id, contact_id, account_id, sent_at, category, channel, team, sender_id
        from fct_communications
        """,
    )
    contacts = {
        row["contact_id"]: row
        for row in _records(
            demo_warehouse,
            "select contact_id, time_zone, opted_out_at, opted_out_sources from dim_contacts",
        )
    }
    accounts = {
        row["account_id"]: row
        for row in _records(
            demo_warehouse,
            "select account_id, owner_user_id, owner_name, owner_team from dim_accounts",
        )
    }
    tickets = _records(
        demo_warehouse,
        """
        select ticket_id, account_id, priority, created_at, solved_at, satisfaction_score, rated_at
        from int_support__tickets
        where account_id is not null
        """,
    )
    return {"messages": messages, "contacts": contacts, "accounts": accounts, "tickets": tickets}


@pytest.mark.parametrize("rule_type", sorted(RULE_MODELS))
def test_rule_matches_brute_force(demo_warehouse, demo_inputs, rule_type):
    rules = _records(
        demo_warehouse,
        f"select {RULE_COLUMNS} from communication_policies where is_active and rule_type = ?",
        [rule_type],
    )
    assert rules, f"the seed has no active {rule_type} rule"
    expected = {}
    for rule in rules:
        expected.update(BRUTE_FORCE[rule_type](rule, **demo_inputs))
    actual = {
        (message_id, rule_id): rest
        for message_id, rule_id, *rest in demo_warehouse.query(
            f"""
            select message_id, rule_id, window_start, window_end, messages_in_window,
                message_ids_in_window, reason
            from {RULE_MODELS[rule_type]}
            """
        )
    }
    actual = {key: tuple(value) for key, value in actual.items()}
    print(f"\n{rule_type}: {len(actual)} violations on the demo data")
    assert len(expected) > 0, f"the demo data should break {rule_type}"
    missing = expected.keys() - actual.keys()
    extra = actual.keys() - expected.keys()
    assert not missing, f"{len(missing)} violations missing, e.g. {sorted(missing)[:3]}"
    assert not extra, f"{len(extra)} unexpected violations, e.g. {sorted(extra)[:3]}"
    different = {key for key in expected if expected[key] != actual[key]}
    examples = [(key, expected[key], actual[key]) for key in sorted(different)[:2]]
    assert not different, f"{len(different)} differ, e.g. {examples}"


@pytest.mark.parametrize("model", sorted(RULE_MODELS.values()))
def test_rule_models_have_the_cadence_columns(demo_warehouse, model):
    """Same columns, order and types as int_policy__rolling_caps, so they union."""
    sql = """
        select column_name, data_type from information_schema.columns
        where table_name = ? order by ordinal_position
    """
    reference = demo_warehouse.query(sql, ["int_policy__rolling_caps"])
    assert demo_warehouse.query(sql, [model]) == reference


@pytest.mark.parametrize("model", sorted(RULE_MODELS.values()))
def test_rule_rows_explain_themselves(demo_warehouse, model):
    bad = demo_warehouse.query(
        f"""
        select count(*) from {model}
        where messages_in_window <> 1 or message_ids_in_window <> message_id
            or max_messages is not null or team_count_in_window <> 1 or teams_in_window <> team
            or window_end <> sent_at or window_start > window_end or reason is null
        """
    )[0][0]
    assert bad == 0

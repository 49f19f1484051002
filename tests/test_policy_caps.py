"""Rolling caps (contact and account scope), calendar-week caps and cross-team collisions
equal independent plain-Python implementations over fct_communications (+ dim_contacts
time zones), message for message: the one independent oracle of each (the edge cases are
in tests/policy_cases.yml, run against both engines; the replay over random rule sets is
tests/test_policy_replay.py)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

RULE_COLUMNS = """
    rule_id, window_days, window_hours, max_messages, min_teams,
    counted_categories, exempt_categories, channels
"""

MODEL_COLUMNS = """
    message_id, rule_id, messages_in_window, message_ids_in_window, teams_in_window,
    team_count_in_window, window_start, window_end, max_messages
"""


def _counts(category, channel, counted, exempt, channels) -> bool:
    """Does a rule count a message? Category listed, not exempt, channel listed or '*'."""
    if category not in set(counted.split("|")) or category in set((exempt or "").split("|")):
        return False
    return channels == "*" or channel in set(channels.split("|"))


def _explain(inside):
    """(count, ids by sent_at then id, sorted distinct teams, team count) of a window."""
    inside = sorted(inside)
    teams = sorted({team for _, _, team in inside})
    return len(inside), ",".join(m for _, m, _ in inside), ",".join(teams), len(teams)


def _messages(warehouse):
    return warehouse.query(
        """
        select
            communications.message_id, communications.contact_id, communications.account_id,
            communications.sent_at, communications.category, communications.channel,
            communications.team, contacts.time_zone
        from fct_communications as communications
        left join dim_contacts as contacts on communications.contact_id = contacts.contact_id
        """
    )


def _rules(warehouse, condition: str):
    return warehouse.query(
        f"select {RULE_COLUMNS} from communication_policies where is_active and {condition}"
    )


def _actual(warehouse, model: str, condition: str) -> dict:
    rows = warehouse.query(
        f"select {MODEL_COLUMNS} from {model} "
        f"where rule_id in (select rule_id from communication_policies where {condition})"
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def _brute_force_rolling_caps(messages, rules, scope: str):
    """For every counted message, every counted message to its contact (scope contact) or
    account (scope account) in [m - W days, m]."""
    expected = {}
    for rule_id, window_days, _, max_messages, _, counted, exempt, channels in rules:
        by_account = defaultdict(list)
        for message_id, contact_id, account_id, sent_at, category, channel, team, _ in messages:
            key = account_id if scope == "account" else contact_id
            if key is not None and _counts(category, channel, counted, exempt, channels):
                by_account[key].append((sent_at, message_id, team))
        window = timedelta(days=window_days)
        for rows in by_account.values():
            rows.sort()
            times = [row[0] for row in rows]
            for sent_at, message_id, _ in rows:
                inside = rows[bisect_left(times, sent_at - window) : bisect_right(times, sent_at)]
                assert all(sent_at - window <= row[0] <= sent_at for row in inside)
                if len(inside) > max_messages:
                    expected[(message_id, rule_id)] = (
                        *_explain(inside),
                        sent_at - window,
                        sent_at,
                        max_messages,
                    )
    return expected


def _brute_force_calendar_week_caps(messages, rules):
    """For every counted message, every counted message to its contact in the same
    Monday-Sunday week of the contact's time zone, sent at or before it."""
    expected = {}
    for rule_id, _, _, max_messages, _, counted, exempt, channels in rules:
        by_contact_week = defaultdict(list)
        for message_id, contact_id, _, sent_at, category, channel, team, time_zone in messages:
            if not _counts(category, channel, counted, exempt, channels):
                continue
            zone = ZoneInfo(time_zone or "UTC")
            local = sent_at.replace(tzinfo=UTC).astimezone(zone)
            monday = local.date() - timedelta(days=local.weekday())
            by_contact_week[(contact_id, monday, zone)].append((sent_at, message_id, team))
        for (_, monday, zone), rows in by_contact_week.items():
            week_start = (
                datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
            )
            for sent_at, message_id, _ in rows:
                inside = [row for row in rows if row[0] <= sent_at]
                if len(inside) > max_messages:
                    expected[(message_id, rule_id)] = (
                        *_explain(inside),
                        week_start,
                        sent_at,
                        max_messages,
                    )
    return expected


def _brute_force_collisions(messages, rules):
    """For every counted message, the teams of the counted messages to its contact in
    [m - H hours, m]."""
    expected = {}
    for rule_id, _, window_hours, _, min_teams, counted, exempt, channels in rules:
        by_contact = defaultdict(list)
        for message_id, contact_id, _, sent_at, category, channel, team, _ in messages:
            if _counts(category, channel, counted, exempt, channels):
                by_contact[contact_id].append((sent_at, message_id, team))
        window = timedelta(hours=window_hours)
        for rows in by_contact.values():
            for sent_at, message_id, _ in rows:
                inside = [row for row in rows if sent_at - window <= row[0] <= sent_at]
                explained = _explain(inside)
                if explained[3] >= min_teams:
                    expected[(message_id, rule_id)] = (*explained, sent_at - window, sent_at, None)
    return expected


CASES = {
    # contact caps are checked in the mart itself (the union of the rule models)
    "contact_caps": (
        "fct_cadence_violations",
        "rule_type = 'rolling_cap' and scope = 'contact'"
        " and coalesce(window_kind, 'rolling') = 'rolling'",
        lambda messages, rules: _brute_force_rolling_caps(messages, rules, "contact"),
    ),
    "account_caps": (
        "int_policy__rolling_caps",
        "rule_type = 'rolling_cap' and scope = 'account'"
        " and coalesce(window_kind, 'rolling') = 'rolling'",
        lambda messages, rules: _brute_force_rolling_caps(messages, rules, "account"),
    ),
    "calendar_week_caps": (
        "int_policy__calendar_week_caps",
        "rule_type = 'rolling_cap' and scope = 'contact' and window_kind = 'calendar_week'",
        _brute_force_calendar_week_caps,
    ),
    "collisions": (
        "int_policy__collisions",
        "rule_type = 'cross_team_collision' and scope = 'contact'",
        _brute_force_collisions,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_policy_model_matches_brute_force(demo_warehouse, case):
    model, condition, brute_force = CASES[case]
    messages = _messages(demo_warehouse)
    rules = _rules(demo_warehouse, condition)
    assert rules, f"the seed has no active rule for {model}"
    expected = brute_force(messages, rules)
    actual = _actual(demo_warehouse, model, condition)
    print(f"\n{model}: {len(actual)} violations on the demo data ({len(messages)} messages)")
    assert len(expected) > 0, "the demo data should break every rule type"
    if case == "contact_caps":
        assert len(expected) > 100, "the demo data should over-contact people"
    missing = expected.keys() - actual.keys()
    extra = actual.keys() - expected.keys()
    assert not missing, f"{len(missing)} violations missing, e.g. {sorted(missing)[:3]}"
    assert not extra, f"{len(extra)} unexpected violations, e.g. {sorted(extra)[:3]}"
    different = sorted(key for key in expected if expected[key] != actual[key])
    examples = [(key, expected[key], actual[key]) for key in different[:2]]
    assert not different, f"{len(different)} differ, e.g. {examples}"


def test_policy_models_have_the_rolling_cap_columns(demo_warehouse):
    """Every policy model has exactly the columns (names, order, types) of the base model."""

    def columns(table):
        return demo_warehouse.query(
            """
            select column_name, data_type from information_schema.columns
            where table_name = ? order by ordinal_position
            """,
            [table],
        )

    base = columns("int_policy__rolling_caps")
    for model, _, _ in CASES.values():
        if model.startswith("int_policy__"):
            assert columns(model) == base, model
